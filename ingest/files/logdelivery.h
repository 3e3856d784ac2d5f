#pragma once

#include "logfilereader.h"

#include <batchsink.h>

#include <atomic>
#include <memory>

namespace spanscope::ingest {

class OtlpGrpcClient;

// Where `LogFileReader` hands its batches: a running receiver over OTLP/gRPC (records it
// rejects are added to `rejected`), or a sink in this process (a writer on a database, or the
// window's own). Both wait out a busy receiver instead of dropping anything.
LogFileReader::Deliver deliverToReceiver(std::shared_ptr<OtlpGrpcClient> client,
                                         std::shared_ptr<std::atomic<std::uint64_t>> rejected);
LogFileReader::Deliver deliverToSink(storage::BatchSink &sink);

} // namespace spanscope::ingest
