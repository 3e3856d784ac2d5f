#include "logfilereader.h"

#include "logline.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace spanscope::ingest {

namespace {

constexpr std::size_t ReadChunk = 1 << 20;
constexpr auto FollowPoll = std::chrono::milliseconds(100);

std::uint64_t nowNanos()
{
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                          std::chrono::system_clock::now().time_since_epoch())
                                          .count());
}

// An open file with what identifies it, so rotation and truncation can be noticed.
struct OpenFile
{
    int fd = -1;
    ino_t inode = 0;
    ~OpenFile()
    {
        if (fd > 0)
            ::close(fd);
    }
};

storage::Result<bool> openFile(const std::string &path, OpenFile &file)
{
    if (path == "-") {
        file.fd = 0;
        return true;
    }
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return storage::Error{"Cannot read " + path + ": " + std::strerror(errno) + "."};
    struct stat info
    {
    };
    if (::fstat(fd, &info) == 0 && S_ISDIR(info.st_mode)) {
        ::close(fd);
        return storage::Error{path + " is a directory; give the path of a log file."};
    }
    if (file.fd > 0)
        ::close(file.fd);
    file.fd = fd;
    file.inode = info.st_ino;
    return true;
}

} // namespace

LogFileReader::LogFileReader(std::string path, Options options)
    : m_path(std::move(path))
    , m_options(std::move(options))
{}

void LogFileReader::add(std::string_view line)
{
    auto parsed = parseLogLine(line, nowNanos());
    if (!parsed)
        return;
    ++m_progress.lines;
    m_progress.structured += parsed->structured ? 1 : 0;
    m_progress.linked += storage::isValid(parsed->record.traceId) ? 1 : 0;
    const std::string &service
        = parsed->service.empty() ? m_options.defaultService : parsed->service;
    // Batches hold few services; a linear search beats a map here.
    storage::ScopedLogs *group = nullptr;
    for (storage::ScopedLogs &candidate : m_batch.groups) {
        if (candidate.resource.serviceName() == service)
            group = &candidate;
    }
    if (!group) {
        storage::ScopedLogs fresh;
        fresh.resource.attributes = {{"service.name", {service}}};
        if (parsed->service.empty() && m_options.defaultServiceGuessed)
            fresh.resource.attributes.push_back({storage::ServiceGuessedAttribute, {true}});
        if (m_path != "-")
            fresh.resource.attributes.push_back({"log.file.path", {m_path}});
        fresh.scope.name = "spanscope.logs.ingest";
        m_batch.groups.push_back(std::move(fresh));
        group = &m_batch.groups.back();
    }
    group->records.push_back(std::move(parsed->record));
    ++m_pending;
}

storage::Result<bool> LogFileReader::waitForDelivery()
{
    if (!m_inFlight.valid())
        return true;
    return m_inFlight.get();
}

storage::Result<bool> LogFileReader::flush(const Deliver &deliver)
{
    if (m_pending == 0)
        return true;
    if (auto previous = waitForDelivery(); !previous)
        return previous;
    m_inFlight = std::async(std::launch::async, [deliver, batch = std::move(m_batch)]() mutable {
        return deliver(std::move(batch));
    });
    m_batch = {};
    m_pending = 0;
    return true;
}

storage::Result<LogFileReader::Progress> LogFileReader::run(const Deliver &deliver,
                                                            const std::atomic<bool> &stop)
{
    OpenFile file;
    if (auto opened = openFile(m_path, file); !opened)
        return storage::Error{opened.error()};
    std::string buffer;
    std::vector<char> chunk(ReadChunk);
    off_t offset = 0;
    auto lastFlush = std::chrono::steady_clock::now();
    while (!stop.load()) {
        const ssize_t got = ::read(file.fd, chunk.data(), chunk.size());
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            return storage::Error{"Cannot read " + m_path + ": " + std::strerror(errno) + "."};
        if (got > 0) {
            offset += got;
            m_progress.bytes += static_cast<std::uint64_t>(got);
            buffer.append(chunk.data(), static_cast<std::size_t>(got));
            std::size_t start = 0;
            for (std::size_t newline; (newline = buffer.find('\n', start)) != std::string::npos;
                 start = newline + 1) {
                add(std::string_view(buffer).substr(start, newline - start));
                if (m_pending >= m_options.batchRecords) {
                    if (auto sent = flush(deliver); !sent)
                        return storage::Error{sent.error()};
                    lastFlush = std::chrono::steady_clock::now();
                }
            }
            buffer.erase(0, start);
            if (buffer.size() > MaxLogLineBytes * 2) { // a line without end: cut it here
                add(buffer);
                buffer.clear();
            }
        }
        const bool idle = got == 0;
        if (idle || std::chrono::steady_clock::now() - lastFlush >= m_options.flushInterval) {
            if (auto sent = flush(deliver); !sent)
                return storage::Error{sent.error()};
            lastFlush = std::chrono::steady_clock::now();
        }
        if (idle) { // everything read so far is stored before waiting for more
            if (auto sent = waitForDelivery(); !sent)
                return storage::Error{sent.error()};
        }
        if (!idle)
            continue;
        if (!m_options.follow || m_path == "-")
            break;
        // Following: wait for more, and notice truncation or a new file at the path.
        std::this_thread::sleep_for(FollowPoll);
        struct stat onDisk
        {
        };
        if (::stat(m_path.c_str(), &onDisk) == 0
            && (onDisk.st_ino != file.inode || onDisk.st_size < offset)) {
            if (auto reopened = openFile(m_path, file); reopened) {
                offset = 0;
                buffer.clear();
            }
        }
    }
    if (!buffer.empty())
        add(buffer); // the last line may have no newline
    if (auto sent = flush(deliver); !sent)
        return storage::Error{sent.error()};
    if (auto sent = waitForDelivery(); !sent)
        return storage::Error{sent.error()};
    return m_progress;
}

} // namespace spanscope::ingest
