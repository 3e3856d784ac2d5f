#pragma once

#include "exportstatus.h"
#include <otlp/ingestlimits.h>
#include <otlp/otlpconvert.h>

#include <batchsink.h>

#include <atomic>
#include <optional>
#include <string>
#include <string_view>

namespace spanscope::ingest {

// What a transport should answer: stored (the response may carry a partial success), or why
// not (QueueFull or StorageUnavailable; exportStatus() says how).
struct ExportOutcome
{
    std::optional<Refusal> refusal;
    std::string message;
    bool stored() const { return !refusal; }
};

// Whether a request may be decoded, from its estimated cost (decodecost.h): admitted, or
// refused as TooLarge (over the per-request budget) or Busy (the budget in flight is taken).
struct Admission
{
    std::optional<Refusal> refusal;
    std::string message;
    bool admitted() const { return !refusal; }
};

// The transport-neutral part of every Export call: decode, hand to the sink, count, and fill
// the OTLP response. The gRPC and HTTP receivers differ only in framing.
class ExportHandler
{
public:
    ExportHandler(storage::BatchSink &sink, IngestLimits limits);

    ExportOutcome exportTraces(const otlp_trace::ExportTraceServiceRequest &request,
                               otlp_trace::ExportTraceServiceResponse &response);
    ExportOutcome exportLogs(const otlp_logs::ExportLogsServiceRequest &request,
                             otlp_logs::ExportLogsServiceResponse &response);
    ExportOutcome exportMetrics(const otlp_metrics::ExportMetricsServiceRequest &request,
                                otlp_metrics::ExportMetricsServiceResponse &response);

    // Holds a request's estimated decode cost against the budget in flight while it is decoded
    // and stored; admission() says whether it may be (the caller answers and counts refusals).
    class DecodeReservation
    {
    public:
        DecodeReservation(ExportHandler &handler, std::uint64_t cost);
        ~DecodeReservation();
        DecodeReservation(const DecodeReservation &) = delete;
        DecodeReservation &operator=(const DecodeReservation &) = delete;
        const Admission &admission() const { return m_admission; }

    private:
        ExportHandler &m_handler;
        std::uint64_t m_cost = 0; // reserved
        Admission m_admission;
    };
    // The estimate for a protobuf (`json` false) or OTLP-JSON body of `signal`'s request.
    std::uint64_t decodeCost(storage::Signal signal, std::string_view body, bool json) const;

    // A request refused before decoding (malformed, too large, wrong content type).
    void rejectRequest(storage::Signal signal, const std::string &reason);
    const IngestLimits &limits() const { return m_limits; }

    // Seconds a throttled sender is asked to wait.
    static constexpr int RetryAfterSeconds = 1;

private:
    storage::BatchSink &m_sink;
    IngestLimits m_limits;
    std::atomic<std::uint64_t> m_decodeCostInFlight{0};
};

} // namespace spanscope::ingest
