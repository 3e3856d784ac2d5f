#pragma once

#include <result.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace spanscope::ingest {

// The small part of the zip format a bundle needs: deflated entries with CRC-32, no zip64 (an
// entry and the archive stay under 4 GiB), no encryption.
class ZipWriter
{
public:
    void add(const std::string &name, std::string_view data);
    // The whole archive.
    std::string finish();

private:
    struct Entry
    {
        std::string name;
        std::uint32_t crc = 0, compressedSize = 0, size = 0, offset = 0;
    };
    std::string m_out;
    std::vector<Entry> m_entries;
};

// Reads an archive without trusting it: entry names must be plain relative paths (no "..", no
// leading "/", no backslashes), every entry and the total stay under `maxBytes` once inflated,
// and CRCs must match. Errors name the entry.
class ZipReader
{
public:
    struct Entry
    {
        std::string name;
        std::string data;
    };

    static storage::Result<std::vector<Entry>> read(std::string_view archive,
                                                    std::uint64_t maxBytes = 256ull << 20);
};

} // namespace spanscope::ingest
