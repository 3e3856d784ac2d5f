#include "ziparchive.h"

#include <zlib.h>

#include <cstring>

namespace spanscope::ingest {

namespace {

constexpr std::uint32_t LocalHeader = 0x04034b50;
constexpr std::uint32_t CentralHeader = 0x02014b50;
constexpr std::uint32_t EndOfCentral = 0x06054b50;
constexpr std::uint16_t Deflated = 8, Stored = 0;

void put16(std::string &out, std::uint16_t v)
{
    out.push_back(static_cast<char>(v & 0xff));
    out.push_back(static_cast<char>(v >> 8));
}

void put32(std::string &out, std::uint32_t v)
{
    put16(out, static_cast<std::uint16_t>(v & 0xffff));
    put16(out, static_cast<std::uint16_t>(v >> 16));
}

// Little-endian fields of an untrusted archive; reads past the end give 0, which no check
// accepts.
std::uint16_t get16(std::string_view in, std::size_t at)
{
    if (at > in.size() || in.size() - at < 2)
        return 0;
    return static_cast<std::uint16_t>(static_cast<unsigned char>(in[at])
                                      | static_cast<unsigned char>(in[at + 1]) << 8);
}

std::uint32_t get32(std::string_view in, std::size_t at)
{
    return get16(in, at) | static_cast<std::uint32_t>(get16(in, at + 2)) << 16;
}

std::string deflateRaw(std::string_view data)
{
    z_stream stream{};
    deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
    std::string out(deflateBound(&stream, static_cast<uLong>(data.size())), '\0');
    stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data.data()));
    stream.avail_in = static_cast<uInt>(data.size());
    stream.next_out = reinterpret_cast<Bytef *>(out.data());
    stream.avail_out = static_cast<uInt>(out.size());
    deflate(&stream, Z_FINISH);
    out.resize(stream.total_out);
    deflateEnd(&stream);
    return out;
}

bool safeName(const std::string &name)
{
    if (name.empty() || name.front() == '/' || name.find('\\') != std::string::npos
        || name.find(':') != std::string::npos)
        return false;
    std::size_t start = 0;
    while (start <= name.size()) {
        const std::size_t end = std::min(name.find('/', start), name.size());
        const std::string_view part(name.data() + start, end - start);
        if (part == ".." || part == ".")
            return false;
        start = end + 1;
    }
    return true;
}

} // namespace

void ZipWriter::add(const std::string &name, std::string_view data)
{
    Entry entry;
    entry.name = name;
    entry.size = static_cast<std::uint32_t>(data.size());
    entry.crc = static_cast<std::uint32_t>(
        crc32(0, reinterpret_cast<const Bytef *>(data.data()), static_cast<uInt>(data.size())));
    entry.offset = static_cast<std::uint32_t>(m_out.size());
    const std::string compressed = deflateRaw(data);
    entry.compressedSize = static_cast<std::uint32_t>(compressed.size());
    put32(m_out, LocalHeader);
    put16(m_out, 20); // version needed: 2.0 (deflate)
    put16(m_out, 0x0800); // flags: UTF-8 names
    put16(m_out, Deflated);
    put16(m_out, 0); // time
    put16(m_out, 0x21); // date: 1980-01-01
    put32(m_out, entry.crc);
    put32(m_out, entry.compressedSize);
    put32(m_out, entry.size);
    put16(m_out, static_cast<std::uint16_t>(name.size()));
    put16(m_out, 0);
    m_out += name;
    m_out += compressed;
    m_entries.push_back(std::move(entry));
}

std::string ZipWriter::finish()
{
    const auto directoryStart = static_cast<std::uint32_t>(m_out.size());
    for (const Entry &entry : m_entries) {
        put32(m_out, CentralHeader);
        put16(m_out, 0x031e); // made by: Unix, 3.0
        put16(m_out, 20);
        put16(m_out, 0x0800);
        put16(m_out, Deflated);
        put16(m_out, 0);
        put16(m_out, 0x21);
        put32(m_out, entry.crc);
        put32(m_out, entry.compressedSize);
        put32(m_out, entry.size);
        put16(m_out, static_cast<std::uint16_t>(entry.name.size()));
        put16(m_out, 0); // extra
        put16(m_out, 0); // comment
        put16(m_out, 0); // disk
        put16(m_out, 0); // internal attributes
        put32(m_out, 0100644u << 16); // external: a regular file, rw-r--r--
        put32(m_out, entry.offset);
        m_out += entry.name;
    }
    const auto directorySize = static_cast<std::uint32_t>(m_out.size()) - directoryStart;
    put32(m_out, EndOfCentral);
    put16(m_out, 0);
    put16(m_out, 0);
    put16(m_out, static_cast<std::uint16_t>(m_entries.size()));
    put16(m_out, static_cast<std::uint16_t>(m_entries.size()));
    put32(m_out, directorySize);
    put32(m_out, directoryStart);
    put16(m_out, 0);
    return std::move(m_out);
}

storage::Result<std::vector<ZipReader::Entry>> ZipReader::read(std::string_view zip,
                                                               std::uint64_t maxBytes)
{
    // The end-of-central-directory record is in the last 64 KiB + 22 bytes.
    if (zip.size() < 22)
        return storage::Error{"the file is too short to be a zip archive"};
    std::size_t end = std::string_view::npos;
    for (std::size_t at = zip.size() - 22;; --at) {
        if (get32(zip, at) == EndOfCentral) {
            end = at;
            break;
        }
        if (at == 0 || zip.size() - at > 65557)
            break;
    }
    if (end == std::string_view::npos)
        return storage::Error{"not a zip archive (no central directory)"};
    const std::uint16_t count = get16(zip, end + 10);
    std::size_t at = get32(zip, end + 16);
    std::vector<Entry> entries;
    std::uint64_t total = 0;
    for (std::uint16_t i = 0; i < count; ++i) {
        if (at + 46 > zip.size() || get32(zip, at) != CentralHeader)
            return storage::Error{"the zip directory is damaged at entry " + std::to_string(i + 1)};
        const std::uint16_t method = get16(zip, at + 10);
        const std::uint32_t crc = get32(zip, at + 16);
        const std::uint32_t compressedSize = get32(zip, at + 20);
        const std::uint32_t size = get32(zip, at + 24);
        const std::uint16_t nameLength = get16(zip, at + 28);
        const std::uint16_t extraLength = get16(zip, at + 30);
        const std::uint16_t commentLength = get16(zip, at + 32);
        const std::size_t localOffset = get32(zip, at + 42); // widened: offset + n cannot wrap
        if (at + 46 + nameLength > zip.size())
            return storage::Error{"the zip directory is damaged at entry " + std::to_string(i + 1)};
        Entry entry;
        entry.name = std::string(zip.substr(at + 46, nameLength));
        at += 46 + nameLength + extraLength + commentLength;
        if (!safeName(entry.name))
            return storage::Error{"the entry \"" + entry.name
                                  + "\" has a path that could write outside the bundle"};
        if (!entry.name.empty() && entry.name.back() == '/')
            continue; // a directory
        total += size;
        if (size > maxBytes || total > maxBytes)
            return storage::Error{"the entry \"" + entry.name + "\" is too large ("
                                  + std::to_string(size) + " bytes unpacked)"};
        if (localOffset + 30 > zip.size() || get32(zip, localOffset) != LocalHeader)
            return storage::Error{"the entry \"" + entry.name + "\" is damaged"};
        const std::size_t dataStart
            = localOffset + 30 + get16(zip, localOffset + 26) + get16(zip, localOffset + 28);
        if (dataStart + compressedSize > zip.size())
            return storage::Error{"the entry \"" + entry.name + "\" is cut off"};
        const std::string_view packed = zip.substr(dataStart, compressedSize);
        if (method == Stored) {
            entry.data = std::string(packed);
        } else if (method == Deflated) {
            entry.data.resize(size);
            z_stream stream{};
            inflateInit2(&stream, -15);
            stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(packed.data()));
            stream.avail_in = static_cast<uInt>(packed.size());
            stream.next_out = reinterpret_cast<Bytef *>(entry.data.data());
            stream.avail_out = static_cast<uInt>(entry.data.size());
            const int status = inflate(&stream, Z_FINISH);
            const auto produced = stream.total_out;
            inflateEnd(&stream);
            // More output than the directory said is a bomb or a lie; less is damage.
            if (status != Z_STREAM_END || produced != size)
                return storage::Error{"the entry \"" + entry.name
                                      + "\" does not unpack to its size"};
        } else {
            return storage::Error{"the entry \"" + entry.name
                                  + "\" uses a compression Spanscope does not read"};
        }
        if (crc32(0, reinterpret_cast<const Bytef *>(entry.data.data()),
                  static_cast<uInt>(entry.data.size()))
            != crc)
            return storage::Error{"the entry \"" + entry.name + "\" is damaged (CRC mismatch)"};
        entries.push_back(std::move(entry));
    }
    return entries;
}

} // namespace spanscope::ingest
