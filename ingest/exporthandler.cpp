#include "exporthandler.h"

#include <otlp/decodecost.h>
#include <otlp/otlpconvert.h>
#include <otlp/otlpjson.h>

#include <google/protobuf/arena.h>
#include <google/rpc/status.pb.h>

namespace spanscope::ingest {

namespace {

// What the sink made of a batch: stored, or why not (QueueFull or StorageUnavailable).
struct ExportOutcome
{
    std::optional<Refusal> refusal;
    std::string message;
    bool stored() const { return !refusal; }
};

ExportOutcome toOutcome(const storage::WriteOutcome &write)
{
    switch (write.status) {
    case storage::WriteOutcome::Status::Committed:
        return {};
    case storage::WriteOutcome::Status::Busy:
        return {Refusal::QueueFull, write.error};
    case storage::WriteOutcome::Status::Failed:
    case storage::WriteOutcome::Status::Closed:
        return {Refusal::StorageUnavailable, write.error};
    }
    return {Refusal::StorageUnavailable, write.error};
}

// Stores what decoded well and reports the rest: rejected items as a partial success (never set
// on full success), truncations as a counter.
template<typename Batch, typename PartialSuccessOf>
ExportOutcome store(storage::BatchSink &sink, storage::Signal signal, Decoded<Batch> &decoded,
                    storage::WriteOutcome (storage::BatchSink::*write)(Batch),
                    PartialSuccessOf partialSuccess)
{
    ExportOutcome outcome;
    if (!decoded.batch.groups.empty())
        outcome = toOutcome((sink.*write)(std::move(decoded.batch)));
    if (!outcome.stored())
        return outcome;
    if (decoded.truncated > 0)
        sink.count(signal, storage::BatchSink::Tally::Truncated, decoded.truncated);
    if (decoded.rejected > 0) {
        sink.count(signal, storage::BatchSink::Tally::Rejected, decoded.rejected);
        std::string message = decoded.rejectReason;
        if (decoded.rejected > 1)
            message += " (and " + std::to_string(decoded.rejected - 1) + " more rejected)";
        partialSuccess(static_cast<std::int64_t>(decoded.rejected), message);
    }
    return outcome;
}

std::string encoded(const google::protobuf::Message &message, WireFormat format)
{
    return format == WireFormat::Json ? printOtlpJson(message) : message.SerializeAsString();
}

} // namespace

ExportHandler::ExportHandler(storage::BatchSink &sink, IngestLimits limits)
    : m_sink(sink)
    , m_limits(limits)
{}

template<typename Request, typename Reply, typename Store>
ExportAnswer ExportHandler::decodeAndStore(storage::Signal signal, WireFormat format,
                                           std::string body, Store storeRequest)
{
    // What the body will cost once decoded is estimated and reserved before it is parsed: a
    // small body can stand for millions of empty messages.
    const DecodeReservation reservation(*this, decodeCost(signal, body, format));
    if (reservation.refusal()) {
        if (reservation.refusal() == Refusal::TooLarge)
            rejectRequest(signal, "decoded size over the budget");
        return {reservation.refusal(), reservation.message(), {}};
    }
    // An arena makes the thousands of small messages in a large export one allocation.
    google::protobuf::Arena arena;
    Request &request = *google::protobuf::Arena::CreateMessage<Request>(&arena);
    std::string error;
    if (format == WireFormat::Json)
        error = parseOtlpJson(body, request);
    else if (!request.ParseFromString(body))
        error = "the body is not a valid protobuf " + request.GetTypeName();
    if (!error.empty()) {
        rejectRequest(signal, error);
        return {Refusal::Malformed, error, {}};
    }
    std::string().swap(body); // the request holds it all now
    Reply &reply = *google::protobuf::Arena::CreateMessage<Reply>(&arena);
    const ExportOutcome outcome = storeRequest(request, reply);
    if (!outcome.stored())
        return {outcome.refusal, outcome.message, {}};
    return {std::nullopt, {}, encoded(reply, format)};
}

ExportAnswer ExportHandler::serve(storage::Signal signal, WireFormat format, std::string body)
{
    switch (signal) {
    case storage::Signal::Traces:
        return decodeAndStore<otlp_trace::ExportTraceServiceRequest,
                              otlp_trace::ExportTraceServiceResponse>(
            signal, format, std::move(body), [this](const auto &request, auto &response) {
                auto decoded = decodeTraces(request, m_limits);
                return store(m_sink, storage::Signal::Traces, decoded,
                             &storage::BatchSink::writeTraces,
                             [&response](std::int64_t rejected, const std::string &message) {
                                 response.mutable_partial_success()->set_rejected_spans(rejected);
                                 response.mutable_partial_success()->set_error_message(message);
                             });
            });
    case storage::Signal::Logs:
        return decodeAndStore<otlp_logs::ExportLogsServiceRequest,
                              otlp_logs::ExportLogsServiceResponse>(
            signal, format, std::move(body), [this](const auto &request, auto &response) {
                auto decoded = decodeLogs(request, m_limits);
                return store(m_sink, storage::Signal::Logs, decoded, &storage::BatchSink::writeLogs,
                             [&response](std::int64_t rejected, const std::string &message) {
                                 response.mutable_partial_success()->set_rejected_log_records(
                                     rejected);
                                 response.mutable_partial_success()->set_error_message(message);
                             });
            });
    case storage::Signal::Metrics:
        return decodeAndStore<otlp_metrics::ExportMetricsServiceRequest,
                              otlp_metrics::ExportMetricsServiceResponse>(
            signal, format, std::move(body), [this](const auto &request, auto &response) {
                auto decoded = decodeMetrics(request, m_limits);
                return store(m_sink, storage::Signal::Metrics, decoded,
                             &storage::BatchSink::writeMetrics,
                             [&response](std::int64_t rejected, const std::string &message) {
                                 response.mutable_partial_success()->set_rejected_data_points(
                                     rejected);
                                 response.mutable_partial_success()->set_error_message(message);
                             });
            });
    }
    return {Refusal::Malformed, "unknown signal", {}};
}

std::string ExportHandler::refusalBody(Refusal refusal, const std::string &message,
                                       WireFormat format, bool retryInfo)
{
    const ExportStatus table = exportStatus(refusal);
    google::rpc::Status status;
    status.set_code(table.grpc);
    status.set_message(message);
    if (retryInfo && table.retryable) {
        google::rpc::RetryInfo retry;
        retry.mutable_retry_delay()->set_seconds(RetryAfterSeconds);
        status.add_details()->PackFrom(retry);
    }
    return encoded(status, format);
}

std::uint64_t ExportHandler::decodeCost(storage::Signal signal, std::string_view body,
                                        WireFormat format) const
{
    const std::uint64_t stopAt = m_limits.maxDecodeCost;
    if (format == WireFormat::Json)
        return jsonDecodeCost(body, stopAt);
    const google::protobuf::Descriptor *type = nullptr;
    switch (signal) {
    case storage::Signal::Traces:
        type = otlp_trace::ExportTraceServiceRequest::descriptor();
        break;
    case storage::Signal::Logs:
        type = otlp_logs::ExportLogsServiceRequest::descriptor();
        break;
    case storage::Signal::Metrics:
        type = otlp_metrics::ExportMetricsServiceRequest::descriptor();
        break;
    }
    return protobufDecodeCost(body, *type, stopAt);
}

ExportHandler::DecodeReservation::DecodeReservation(ExportHandler &handler, std::uint64_t cost)
    : m_handler(handler)
{
    const IngestLimits &limits = handler.m_limits;
    if (cost > limits.maxDecodeCost) {
        m_refusal = Refusal::TooLarge;
        m_message = "The request holds more than one request may: its decoded size is "
                    "estimated above "
            + std::to_string(limits.maxDecodeCost >> 20)
            + " MiB (about 100 000 typical spans). Send smaller batches.";
        return;
    }
    if (handler.m_decodeCostInFlight.fetch_add(cost) + cost > limits.maxDecodeCostInFlight) {
        handler.m_decodeCostInFlight -= cost;
        m_refusal = Refusal::Busy;
        m_message = "Spanscope is decoding many large requests at once; retry shortly.";
        return;
    }
    m_cost = cost;
}

ExportHandler::DecodeReservation::~DecodeReservation()
{
    m_handler.m_decodeCostInFlight -= m_cost;
}

void ExportHandler::rejectRequest(storage::Signal signal, const std::string &reason)
{
    m_sink.countRejectedRequest(signal, reason);
}

} // namespace spanscope::ingest
