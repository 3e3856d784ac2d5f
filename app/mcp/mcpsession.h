#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace spanscope::mcp {

class McpTools;

// One client's conversation under the Model Context Protocol (JSON-RPC 2.0, the handshake
// revisions 2024-11-05 to 2025-11-25): initialize, then tools/list and tools/call; ping
// whenever. Whatever arrives — malformed JSON, a batch, an unknown method, wrong arguments,
// a message too large — is answered with a JSON-RPC error and the session goes on.
class McpSession
{
public:
    explicit McpSession(McpTools &tools)
        : m_tools(tools)
    {}

    // The reply to one message (a single line of JSON), or empty for a notification or a
    // response, which are not answered.
    std::string handle(std::string_view message);
    // The reply to a message that was too large to read (its id unknown).
    static std::string tooLarge();

    bool initialized() const { return !m_version.empty(); }
    // The JSON-RPC error code of the last reply, 0 when it was a result (or there was none).
    int lastError() const { return m_lastError; }
    const std::string &protocolVersion() const { return m_version; }

    static constexpr std::size_t MaxMessageBytes = 1u << 20;
    static constexpr const char *LatestVersion = "2025-11-25";

private:
    std::string fail(const nlohmann::json &id, int code, const std::string &message);

    McpTools &m_tools;
    std::string m_version; // empty until initialize
    int m_lastError = 0;
};

} // namespace spanscope::mcp
