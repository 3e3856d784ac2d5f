#pragma once

#include <result.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

struct archive;

namespace spanscope::ingest {

// Bundles' zip files, on libarchive. Writes deflated entries into memory or straight into a
// file; an entry can be written piece by piece without knowing its size (a data descriptor
// follows it), so a large traces.json is never held whole.
class ZipWriter
{
public:
    ZipWriter(); // into memory: finish() returns the archive
    explicit ZipWriter(const std::string &path); // into this file, created or truncated
    ~ZipWriter();
    ZipWriter(const ZipWriter &) = delete;
    ZipWriter &operator=(const ZipWriter &) = delete;

    void add(const std::string &name, std::string_view data);
    // One entry in pieces: begin, any number of writes, end.
    void begin(const std::string &name);
    void write(std::string_view piece);
    void end();
    // Closes the archive: its bytes when written into memory, else empty.
    std::string finish();
    // The first failure (a full disk, a file that cannot be created); empty while all is well.
    const std::string &error() const { return m_error; }

private:
    void open();
    bool header(const std::string &name, const std::int64_t *size);
    void fail(const char *what);
    // Where libarchive's output goes: bytes taken, or -1 when the file refuses them.
    long long append(const void *data, std::size_t size);

    struct archive *m_archive = nullptr;
    std::FILE *m_file = nullptr;
    std::string m_memory;
    std::string m_path;
    std::string m_error;
    bool m_inEntry = false;
};

// Reads an archive without trusting it: entry names must be plain relative paths (no "..", no
// leading "/", no backslashes), only regular files, at most MaxEntries of them, every entry
// and the total under `maxBytes` once inflated (counted while inflating, so a bomb stops
// there), each the size it declares, CRCs checked. Errors name the entry.
class ZipReader
{
public:
    static constexpr std::size_t MaxEntries = 1000;
    struct Entry
    {
        std::string name;
        std::string data;
    };

    static storage::Result<std::vector<Entry>> read(std::string_view archive,
                                                    std::uint64_t maxBytes = 256ull << 20);
};

} // namespace spanscope::ingest
