// A `.spanscope` archive as received from someone else: entry names, sizes, compression and
// CRCs are all untrusted.
#include <files/ziparchive.h>

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    spanscope::ingest::ZipReader::read(std::string_view(reinterpret_cast<const char *>(data), size),
                                       64u << 20);
    return 0;
}
