#pragma once

#include <result.h>
#include <telemetry.h>

#include <optional>
#include <string_view>

namespace spanscope::ingest {

// Traces written by other tools. Both return nothing when the text is not in their format, so
// the importer can try each; an error when it is, but an entry is malformed (named by position).

// Jaeger UI JSON (the UI's download, the query API's answer): {"data": [trace…]} with microsecond
// times, typed tags, logs as events, CHILD_OF / FOLLOWS_FROM references, processes as resources.
std::optional<storage::Result<storage::TraceBatch>> readJaegerJson(std::string_view text);

// Zipkin v2 JSON: an array of spans with microsecond times, string tags, annotations as events,
// localEndpoint.serviceName as the service and an `error` tag as an error status.
std::optional<storage::Result<storage::TraceBatch>> readZipkinJson(std::string_view text);

} // namespace spanscope::ingest
