#include "exporthandler.h"

namespace spanscope::ingest {

namespace {

ExportOutcome toOutcome(const storage::WriteOutcome &write)
{
    switch (write.status) {
    case storage::WriteOutcome::Status::Committed:
        return {};
    case storage::WriteOutcome::Status::Busy:
        return {ExportOutcome::Status::Throttled, write.error};
    case storage::WriteOutcome::Status::Failed:
    case storage::WriteOutcome::Status::Closed:
        return {ExportOutcome::Status::Unavailable, write.error};
    }
    return {ExportOutcome::Status::Unavailable, write.error};
}

template<typename Decoded, typename PartialSuccess>
void reportRejected(const Decoded &decoded, PartialSuccess &partial,
                    void (PartialSuccess::*setCount)(std::int64_t))
{
    (partial.*setCount)(static_cast<std::int64_t>(decoded.rejected));
    partial.set_error_message(decoded.rejectReason
                              + (decoded.rejected > 1 ? " (and "
                                         + std::to_string(decoded.rejected - 1) + " more rejected)"
                                                      : ""));
}

} // namespace

ExportHandler::ExportHandler(storage::BatchSink &sink, IngestLimits limits)
    : m_sink(sink)
    , m_limits(limits)
{ }

ExportOutcome ExportHandler::exportTraces(const otlp_trace::ExportTraceServiceRequest &request,
                                          otlp_trace::ExportTraceServiceResponse &response)
{
    auto decoded = decodeTraces(request, m_limits);
    ExportOutcome outcome;
    if (!decoded.batch.groups.empty())
        outcome = toOutcome(m_sink.writeTraces(std::move(decoded.batch)));
    if (outcome.status == ExportOutcome::Status::Ok && decoded.rejected > 0) {
        m_sink.countRejectedItems(storage::Signal::Traces, decoded.rejected);
        reportRejected(decoded, *response.mutable_partial_success(),
                       &otlp_trace::ExportTracePartialSuccess::set_rejected_spans);
    }
    return outcome;
}

ExportOutcome ExportHandler::exportLogs(const otlp_logs::ExportLogsServiceRequest &request,
                                        otlp_logs::ExportLogsServiceResponse &response)
{
    auto decoded = decodeLogs(request, m_limits);
    ExportOutcome outcome;
    if (!decoded.batch.groups.empty())
        outcome = toOutcome(m_sink.writeLogs(std::move(decoded.batch)));
    if (outcome.status == ExportOutcome::Status::Ok && decoded.rejected > 0) {
        m_sink.countRejectedItems(storage::Signal::Logs, decoded.rejected);
        reportRejected(decoded, *response.mutable_partial_success(),
                       &otlp_logs::ExportLogsPartialSuccess::set_rejected_log_records);
    }
    return outcome;
}

ExportOutcome ExportHandler::exportMetrics(const otlp_metrics::ExportMetricsServiceRequest &request,
                                           otlp_metrics::ExportMetricsServiceResponse &)
{
    // Metrics are not displayed yet; counting them keeps SDKs that export metrics quiet.
    m_sink.countAccepted(storage::Signal::Metrics, countDataPoints(request));
    return {};
}

void ExportHandler::rejectRequest(storage::Signal signal, const std::string &reason)
{
    m_sink.countRejectedRequest(signal, reason);
}

} // namespace spanscope::ingest
