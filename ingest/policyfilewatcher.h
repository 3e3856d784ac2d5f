#pragma once

#include "samplingpolicy.h"

#include <atomic>
#include <functional>
#include <string>
#include <thread>

namespace spanscope::ingest {

// Reads a sampling policy file; an error sentence names the file and what is wrong.
storage::Result<SamplingPolicy> loadSamplingPolicy(const std::string &path);

// Watches a policy file (for `spanscope serve --sampling FILE`) and hands each changed version
// to `changed`: a policy, or the reason it cannot be used (the running policy then stays).
class PolicyFileWatcher
{
public:
    static constexpr int PollMs = 250;

    PolicyFileWatcher(std::string path,
                      std::function<void(storage::Result<SamplingPolicy>)> changed);
    ~PolicyFileWatcher();

private:
    std::string m_path;
    std::function<void(storage::Result<SamplingPolicy>)> m_changed;
    std::atomic<bool> m_stop{false};
    std::thread m_thread;
};

} // namespace spanscope::ingest
