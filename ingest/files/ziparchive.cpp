#include "ziparchive.h"

#include <archive.h>
#include <archive_entry.h>

#include <ctime>
#include <memory>

namespace spanscope::ingest {

namespace {

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

std::string libraryError(struct archive *archive)
{
    const char *text = archive_error_string(archive);
    return text ? text : "unknown error";
}

} // namespace

ZipWriter::ZipWriter()
{
    open();
}

ZipWriter::ZipWriter(const std::string &path)
    : m_path(path)
{
    m_file = std::fopen(path.c_str(), "wb");
    if (!m_file) {
        m_error = "Cannot create " + path + ".";
        return;
    }
    open();
}

ZipWriter::~ZipWriter()
{
    if (m_archive)
        archive_write_free(m_archive);
    if (m_file)
        std::fclose(m_file);
}

void ZipWriter::open()
{
    m_archive = archive_write_new();
    archive_write_set_format_zip(m_archive);
    archive_write_zip_set_compression_deflate(m_archive);
    archive_write_set_bytes_in_last_block(m_archive, 1); // no padding after the archive
    const auto output
        = [](struct archive *, void *self, const void *data, std::size_t size) -> la_ssize_t {
        return static_cast<la_ssize_t>(static_cast<ZipWriter *>(self)->append(data, size));
    };
    if (archive_write_open2(m_archive, this, nullptr, output, nullptr, nullptr) != ARCHIVE_OK)
        fail("open the archive");
}

long long ZipWriter::append(const void *data, std::size_t size)
{
    if (!m_file) {
        m_memory.append(static_cast<const char *>(data), size);
        return static_cast<long long>(size);
    }
    return std::fwrite(data, 1, size, m_file) == size ? static_cast<long long>(size) : -1;
}

void ZipWriter::fail(const char *what)
{
    if (m_error.empty())
        m_error = std::string("Cannot ") + what + (m_path.empty() ? std::string() : " in " + m_path)
            + ": " + libraryError(m_archive) + " (is the disk full?).";
}

bool ZipWriter::header(const std::string &name, const std::int64_t *size)
{
    if (!m_error.empty() || !m_archive)
        return false;
    std::unique_ptr<archive_entry, decltype(&archive_entry_free)> entry(archive_entry_new(),
                                                                        &archive_entry_free);
    archive_entry_set_pathname_utf8(entry.get(), name.c_str());
    archive_entry_set_filetype(entry.get(), AE_IFREG);
    archive_entry_set_perm(entry.get(), 0644);
    archive_entry_set_mtime(entry.get(), std::time(nullptr), 0);
    if (size)
        archive_entry_set_size(entry.get(), *size);
    if (archive_write_header(m_archive, entry.get()) != ARCHIVE_OK) {
        fail("write an entry header");
        return false;
    }
    m_inEntry = true;
    return true;
}

void ZipWriter::add(const std::string &name, std::string_view data)
{
    const auto size = static_cast<std::int64_t>(data.size());
    if (!header(name, &size))
        return;
    write(data);
    end();
}

void ZipWriter::begin(const std::string &name)
{
    header(name, nullptr);
}

void ZipWriter::write(std::string_view piece)
{
    if (!m_error.empty() || !m_inEntry || piece.empty())
        return;
    if (archive_write_data(m_archive, piece.data(), piece.size())
        != static_cast<la_ssize_t>(piece.size()))
        fail("write an entry");
}

void ZipWriter::end()
{
    if (!m_inEntry)
        return;
    m_inEntry = false;
    if (m_error.empty() && archive_write_finish_entry(m_archive) != ARCHIVE_OK)
        fail("finish an entry");
}

std::string ZipWriter::finish()
{
    end();
    if (m_archive) {
        if (archive_write_close(m_archive) != ARCHIVE_OK)
            fail("finish the archive");
        archive_write_free(m_archive);
        m_archive = nullptr;
    }
    if (m_file) {
        if (std::fflush(m_file) != 0 && m_error.empty())
            m_error = "Cannot write " + m_path + " (is the disk full?).";
        std::fclose(m_file);
        m_file = nullptr;
    }
    return std::move(m_memory);
}

storage::Result<std::vector<ZipReader::Entry>> ZipReader::read(std::string_view zip,
                                                               std::uint64_t maxBytes)
{
    std::unique_ptr<struct archive, decltype(&archive_read_free)> archive(archive_read_new(),
                                                                          &archive_read_free);
    archive_read_support_format_zip(archive.get());
    if (archive_read_open_memory(archive.get(), zip.data(), zip.size()) != ARCHIVE_OK)
        return storage::Error{"not a zip archive (" + libraryError(archive.get()) + ")"};
    std::vector<Entry> entries;
    std::uint64_t total = 0;
    std::string chunk(64 * 1024, '\0');
    for (std::size_t count = 1;; ++count) {
        archive_entry *header = nullptr;
        const int status = archive_read_next_header(archive.get(), &header);
        if (status == ARCHIVE_EOF)
            break;
        if (status != ARCHIVE_OK && archive_format(archive.get()) == 0)
            return storage::Error{"not a zip archive (" + libraryError(archive.get()) + ")"};
        if (status != ARCHIVE_OK)
            return storage::Error{"the archive is damaged at entry " + std::to_string(count) + " ("
                                  + libraryError(archive.get()) + ")"};
        if (count > MaxEntries)
            return storage::Error{"the archive has more than " + std::to_string(MaxEntries)
                                  + " entries; a bundle has four"};
        const char *path = archive_entry_pathname_utf8(header);
        if (!path)
            path = archive_entry_pathname(header);
        Entry entry;
        entry.name = path ? path : "";
        if (!safeName(entry.name))
            return storage::Error{"the entry \"" + entry.name
                                  + "\" has a path that could write outside the bundle"};
        if (archive_entry_filetype(header) == AE_IFDIR)
            continue;
        if (archive_entry_filetype(header) != AE_IFREG)
            return storage::Error{"the entry \"" + entry.name + "\" is not a plain file"};
        const bool sized = archive_entry_size_is_set(header) != 0;
        const auto declared
            = static_cast<std::uint64_t>(std::max<la_int64_t>(0, archive_entry_size(header)));
        if (sized && (declared > maxBytes || total + declared > maxBytes))
            return storage::Error{"the entry \"" + entry.name + "\" is too large ("
                                  + std::to_string(declared) + " bytes unpacked)"};
        for (;;) {
            const la_ssize_t got = archive_read_data(archive.get(), chunk.data(), chunk.size());
            if (got == 0)
                break;
            if (got < 0)
                return storage::Error{"the entry \"" + entry.name + "\" is damaged ("
                                      + libraryError(archive.get()) + ")"};
            total += static_cast<std::uint64_t>(got);
            if (entry.data.size() + static_cast<std::size_t>(got) > maxBytes || total > maxBytes)
                return storage::Error{"the entry \"" + entry.name + "\" is too large (over "
                                      + std::to_string(maxBytes) + " bytes unpacked)"};
            entry.data.append(chunk.data(), static_cast<std::size_t>(got));
            // More than declared is a bomb or a lie: stop before inflating the rest.
            if (sized && entry.data.size() > declared)
                break;
        }
        if (sized && entry.data.size() != declared)
            return storage::Error{"the entry \"" + entry.name + "\" does not unpack to its size"};
        entries.push_back(std::move(entry));
    }
    return entries;
}

} // namespace spanscope::ingest
