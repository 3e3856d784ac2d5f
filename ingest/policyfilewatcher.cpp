#include "policyfilewatcher.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace spanscope::ingest {

namespace {

// What identifies a version of the file: its modification time and size.
std::pair<std::filesystem::file_time_type, std::uintmax_t> versionOf(const std::string &path)
{
    std::error_code ec;
    const auto time = std::filesystem::last_write_time(path, ec);
    const auto size = std::filesystem::file_size(path, ec);
    return {ec ? std::filesystem::file_time_type{} : time, ec ? 0 : size};
}

} // namespace

storage::Result<SamplingPolicy> loadSamplingPolicy(const std::string &path)
{
    std::ifstream file(path);
    if (!file)
        return storage::Error{"cannot read " + path + "."};
    std::ostringstream text;
    text << file.rdbuf();
    auto policy = SamplingPolicy::fromJson(text.str());
    if (!policy)
        return storage::Error{path + ": " + policy.error()};
    return policy;
}

PolicyFileWatcher::PolicyFileWatcher(std::string path,
                                     std::function<void(storage::Result<SamplingPolicy>)> changed)
    : m_path(std::move(path))
    , m_changed(std::move(changed))
{
    m_thread = std::thread([this] {
        auto seen = versionOf(m_path);
        while (!m_stop.load()) {
            std::this_thread::sleep_for(std::chrono::milliseconds(PollMs));
            const auto now = versionOf(m_path);
            if (now == seen)
                continue;
            seen = now;
            m_changed(loadSamplingPolicy(m_path));
        }
    });
}

PolicyFileWatcher::~PolicyFileWatcher()
{
    m_stop = true;
    m_thread.join();
}

} // namespace spanscope::ingest
