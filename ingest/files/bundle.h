#pragma once

#include "redaction.h"

#include <batchsink.h>
#include <result.h>
#include <tracestore.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace spanscope::ingest {

// A bug-report bundle (`.spanscope`): one zip with manifest.json, traces.json and logs.json as
// OTLP-JSON (TracesData / LogsData), and index.html, a page that shows the traces and logs
// offline without any script.
struct BundleOptions
{
    bool logs = true;
    bool html = true;
    std::optional<RedactionRules> redaction = RedactionRules::defaults(); // none: not redacted
    std::string note;
    std::string appVersion;
    // Called before each trace with (traces written, traces asked for); returning false cancels
    // the export, and nothing is written.
    std::function<bool(std::size_t, std::size_t)> progress;
};

struct BundleSummary
{
    int traces = 0;
    std::uint64_t spans = 0;
    std::uint64_t logs = 0;
    std::map<std::string, int> masked; // per redaction pattern
};

// Writes the traces (with their logs) to `path`, all or nothing (a temporary file renamed).
storage::Result<BundleSummary> writeBundle(storage::TraceStore &store,
                                           const std::vector<storage::TraceId> &traces,
                                           const BundleOptions &options, const std::string &path);

struct ImportSummary
{
    std::uint64_t spans = 0;
    std::uint64_t logs = 0;
    std::string format; // "bundle", "OTLP-JSON", "OTLP-JSON lines", "OTLP-JSON array"
};

// Reads a bundle, an OTLP-JSON file (one request or TracesData/LogsData object, JSON lines as
// the Collector's file exporter writes, or an array of them), Jaeger UI JSON or Zipkin v2 JSON,
// and writes what it holds to `sink`.
// Everything is parsed before anything is written, so a bad file imports nothing; errors name
// the entry and the position.
storage::Result<ImportSummary> importFile(const std::string &path, storage::BatchSink &sink,
                                          std::uint64_t maxBytes = 1ull << 30);

} // namespace spanscope::ingest
