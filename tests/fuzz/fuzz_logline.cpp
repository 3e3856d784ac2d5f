// One line of a service's stdout, as `spanscope logs ingest` reads it (structlog, pino, zap,
// logrus, slog, plain text...).
#include <files/logline.h>

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const std::string_view line(reinterpret_cast<const char *>(data), size);
    spanscope::ingest::parseLogLine(line, 1'700'000'000'000'000'000ull);
    spanscope::ingest::parseIsoTime(line);
    spanscope::ingest::severityNumberOf(line);
    return 0;
}
