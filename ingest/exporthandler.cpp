#include "exporthandler.h"

#include <otlp/decodecost.h>

namespace spanscope::ingest {

namespace {

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

} // namespace

ExportHandler::ExportHandler(storage::BatchSink &sink, IngestLimits limits)
    : m_sink(sink)
    , m_limits(limits)
{}

ExportOutcome ExportHandler::exportTraces(const otlp_trace::ExportTraceServiceRequest &request,
                                          otlp_trace::ExportTraceServiceResponse &response)
{
    auto decoded = decodeTraces(request, m_limits);
    return store(m_sink, storage::Signal::Traces, decoded, &storage::BatchSink::writeTraces,
                 [&response](std::int64_t rejected, const std::string &message) {
                     response.mutable_partial_success()->set_rejected_spans(rejected);
                     response.mutable_partial_success()->set_error_message(message);
                 });
}

ExportOutcome ExportHandler::exportLogs(const otlp_logs::ExportLogsServiceRequest &request,
                                        otlp_logs::ExportLogsServiceResponse &response)
{
    auto decoded = decodeLogs(request, m_limits);
    return store(m_sink, storage::Signal::Logs, decoded, &storage::BatchSink::writeLogs,
                 [&response](std::int64_t rejected, const std::string &message) {
                     response.mutable_partial_success()->set_rejected_log_records(rejected);
                     response.mutable_partial_success()->set_error_message(message);
                 });
}

ExportOutcome ExportHandler::exportMetrics(const otlp_metrics::ExportMetricsServiceRequest &request,
                                           otlp_metrics::ExportMetricsServiceResponse &)
{
    // Metrics are not displayed yet; counting them keeps SDKs that export metrics quiet.
    m_sink.count(storage::Signal::Metrics, storage::BatchSink::Tally::Accepted,
                 countDataPoints(request));
    return {};
}

std::uint64_t ExportHandler::decodeCost(storage::Signal signal, std::string_view body,
                                        bool json) const
{
    const std::uint64_t stopAt = m_limits.maxDecodeCost;
    if (json)
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
        m_admission = {Refusal::TooLarge,
                       "The request holds more than one request may: its decoded size is "
                       "estimated above "
                           + std::to_string(limits.maxDecodeCost >> 20)
                           + " MiB (about 100 000 typical spans). Send smaller batches."};
        return;
    }
    if (handler.m_decodeCostInFlight.fetch_add(cost) + cost > limits.maxDecodeCostInFlight) {
        handler.m_decodeCostInFlight -= cost;
        m_admission
            = {Refusal::Busy, "Spanscope is decoding many large requests at once; retry shortly."};
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
