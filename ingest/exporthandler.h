#pragma once

#include "exportstatus.h"
#include <otlp/ingestlimits.h>

#include <batchsink.h>

#include <atomic>
#include <optional>
#include <string>
#include <string_view>

namespace spanscope::ingest {

// How a request's body (and so its answer) is written.
enum class WireFormat { Protobuf, Json };

// What a receiver sends back: when stored, `body` is the encoded Export...ServiceResponse (it
// may carry a partial success); otherwise `refusal` and `message` say why (exportStatus() says
// how to answer it, refusalBody() what to send with it).
struct ExportAnswer
{
    std::optional<Refusal> refusal;
    std::string message;
    std::string body;
    bool stored() const { return !refusal; }
};

// The transport-neutral part of every Export call: judge the decoded cost, parse, hand to the
// sink, count, and encode the OTLP response. The gRPC and HTTP receivers hand it the body as
// bytes and differ only in framing; the OTLP messages stay behind this door and the codec
// (otlp/otlpconvert.h).
class ExportHandler
{
public:
    ExportHandler(storage::BatchSink &sink, IngestLimits limits);

    // One Export call of `signal` with the (already inflated) body. Refusals before the sink
    // (too costly, malformed) are counted with the rejected requests; the sink counts its own
    // (queue full, storage unavailable).
    ExportAnswer serve(storage::Signal signal, WireFormat format, std::string body);

    // The google.rpc.Status that goes with a refusal, in `format`. With `retryInfo`, a
    // retryable refusal carries the delay as RetryInfo (gRPC's way; HTTP says it with
    // Retry-After).
    static std::string refusalBody(Refusal refusal, const std::string &message, WireFormat format,
                                   bool retryInfo);

    // A request refused by a receiver before it reached serve() (token, size, content type).
    void rejectRequest(storage::Signal signal, const std::string &reason);
    const IngestLimits &limits() const { return m_limits; }

    // Seconds a throttled sender is asked to wait.
    static constexpr int RetryAfterSeconds = 1;

private:
    // Whether a request may be decoded, from its estimated cost (decodecost.h): admitted, or
    // refused as TooLarge (over the per-request budget) or Busy (the budget in flight is
    // taken). Holds the cost against the budget in flight while the request is decoded and
    // stored.
    class DecodeReservation
    {
    public:
        DecodeReservation(ExportHandler &handler, std::uint64_t cost);
        ~DecodeReservation();
        DecodeReservation(const DecodeReservation &) = delete;
        DecodeReservation &operator=(const DecodeReservation &) = delete;
        const std::optional<Refusal> &refusal() const { return m_refusal; }
        const std::string &message() const { return m_message; }

    private:
        ExportHandler &m_handler;
        std::uint64_t m_cost = 0; // reserved
        std::optional<Refusal> m_refusal;
        std::string m_message;
    };

    // Parses `body` as Request and hands it to `store(request, reply)`.
    template<typename Request, typename Reply, typename Store>
    ExportAnswer decodeAndStore(storage::Signal signal, WireFormat format, std::string body,
                                Store store);
    std::uint64_t decodeCost(storage::Signal signal, std::string_view body,
                             WireFormat format) const;

    storage::BatchSink &m_sink;
    IngestLimits m_limits;
    std::atomic<std::uint64_t> m_decodeCostInFlight{0};
};

} // namespace spanscope::ingest
