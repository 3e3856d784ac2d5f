// `spanscope import FILE`: the file is a bundle, OTLP-JSON (object, lines or array), Jaeger UI
// JSON or Zipkin v2 JSON, recognised from its content. Every importer sees every input.
#include "discardsink.h"

#include <files/bundle.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>
#include <unistd.h>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    static const std::string path = "/tmp/spanscope-fuzz-import-" + std::to_string(::getpid());
    {
        std::ofstream file(path, std::ios::binary | std::ios::trunc);
        file.write(reinterpret_cast<const char *>(data), static_cast<std::streamsize>(size));
    }
    spanscope::fuzz::DiscardSink sink;
    spanscope::ingest::importFile(path, sink, 64u << 20);
    return 0;
}
