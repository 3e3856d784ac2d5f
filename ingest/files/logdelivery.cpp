#include "logdelivery.h"

#include "otlpclient.h"
#include <otlp/otlpconvert.h>

#include <opentelemetry/proto/collector/logs/v1/logs_service.pb.h>

#include <thread>

namespace spanscope::ingest {

LogFileReader::Deliver deliverToReceiver(std::shared_ptr<OtlpGrpcClient> client,
                                         std::shared_ptr<std::atomic<std::uint64_t>> rejected)
{
    return [client, rejected](storage::LogBatch batch) -> storage::Result<bool> {
        opentelemetry::proto::logs::v1::LogsData data;
        encodeLogs(batch, data);
        opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest request;
        request.mutable_resource_logs()->Swap(data.mutable_resource_logs());
        auto sent = client->exportLogs(request);
        if (!sent)
            return storage::Error{sent.error()};
        *rejected += static_cast<std::uint64_t>(*sent);
        return true;
    };
}

LogFileReader::Deliver deliverToSink(storage::BatchSink &sink)
{
    return [&sink](storage::LogBatch batch) -> storage::Result<bool> {
        auto backoff = std::chrono::milliseconds(20);
        for (int attempt = 0;; ++attempt) {
            // Passed by copy, so a full queue can be retried with the same records.
            const storage::WriteOutcome outcome = sink.writeLogs(batch);
            if (outcome.committed())
                return true;
            if (outcome.status == storage::WriteOutcome::Status::Closed)
                return storage::Error{"The database is closing; the rest was not stored."};
            if (attempt == 200)
                return storage::Error{"The database stayed busy: " + outcome.error};
            std::this_thread::sleep_for(backoff);
            backoff = std::min(backoff * 2, std::chrono::milliseconds(500));
        }
    };
}

} // namespace spanscope::ingest
