#include "mcpsession.h"

#include "mcptools.h"

#include <otlp/jsondepth.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>

namespace spanscope::mcp {

using nlohmann::json;

namespace {

constexpr std::array SupportedVersions = {"2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"};

enum ErrorCode {
    ParseError = -32700,
    InvalidRequest = -32600,
    MethodNotFound = -32601,
    InvalidParams = -32602,
};

std::string dump(const json &message)
{
    // Stored text may hold invalid UTF-8; it is replaced, never a reason to fail the answer.
    return message.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string errorReply(const json &id, int code, const std::string &message)
{
    return dump(
        {{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", code}, {"message", message}}}});
}

std::string resultReply(const json &id, json result)
{
    return dump({{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}});
}

std::string tooLargeMessage()
{
    return "The message is larger than " + std::to_string(McpSession::MaxMessageBytes >> 10)
        + " KiB; it was not read.";
}

constexpr const char *Instructions
    = "Spanscope holds the traces, logs and metrics the developer's services sent while running "
      "locally. Start summary-first: list_errors or list_traces (errorsOnly) for what failed, "
      "then get_trace for one trace's errors, exceptions, critical path and insights, get_span "
      "for one span in full, search_logs for its log lines. list_insights finds N+1 queries and "
      "other waste; compare_traces and compare_runs say what got slower. Answers are cut to a "
      "size budget and say how to ask for the rest; values that look like secrets read "
      "[REDACTED].";

} // namespace

std::string McpSession::tooLarge()
{
    return errorReply(nullptr, InvalidRequest, tooLargeMessage());
}

std::string McpSession::fail(const json &id, int code, const std::string &message)
{
    m_lastError = code;
    return errorReply(id, code, message);
}

std::string McpSession::handle(std::string_view text)
{
    m_lastError = 0;
    if (text.size() > MaxMessageBytes)
        return fail(nullptr, InvalidRequest, tooLargeMessage());
    // Refused before parsing, which recurses.
    if (!ingest::jsonNestingWithin(text, ingest::MaxJsonNesting))
        return fail(nullptr, InvalidRequest,
                    "The message nests deeper than " + std::to_string(ingest::MaxJsonNesting)
                        + " levels.");
    const json message = json::parse(text, nullptr, false);
    if (message.is_discarded())
        return fail(nullptr, ParseError, "The message is not valid JSON.");
    if (message.is_array())
        return fail(nullptr, InvalidRequest,
                    "Batches are not supported; send one message at a time.");
    if (!message.is_object() || message.value("jsonrpc", json()) != "2.0")
        return fail(nullptr, InvalidRequest, "Not a JSON-RPC 2.0 message.");
    const bool hasId = message.contains("id");
    const json id = hasId ? message["id"] : json();
    if (hasId && !id.is_string() && !id.is_number_integer())
        return fail(nullptr, InvalidRequest, "The id must be a string or an integer.");
    if (!message.contains("method")) {
        // A response to a request of ours; this server sends none, so there is nothing to match.
        return {};
    }
    if (!message["method"].is_string())
        return hasId ? errorReply(id, InvalidRequest, "The method must be a string.")
                     : std::string();
    const std::string method = message["method"];
    const json params = message.value("params", json::object());
    if (!hasId)
        return {}; // notifications: initialized, cancelled, ... change nothing here
    if (!params.is_object())
        return fail(id, InvalidParams, "params must be an object.");

    if (method == "initialize") {
        const std::string asked = params.value("protocolVersion", json("")).is_string()
            ? params.value("protocolVersion", std::string())
            : std::string();
        const bool known = std::find(SupportedVersions.begin(), SupportedVersions.end(), asked)
            != SupportedVersions.end();
        m_version = known ? asked : LatestVersion;
        return resultReply(
            id,
            {{"protocolVersion", m_version},
             {"capabilities", {{"tools", {{"listChanged", false}}}}},
             {"serverInfo",
              {{"name", "spanscope"}, {"title", "Spanscope"}, {"version", SPANSCOPE_VERSION}}},
             {"instructions", Instructions}});
    }
    if (method == "ping")
        return resultReply(id, json::object());
    if (method != "tools/list" && method != "tools/call")
        return fail(id, MethodNotFound, "Method '" + method + "' is not offered.");
    if (!initialized())
        return fail(id, InvalidRequest, "Send initialize first.");
    if (method == "tools/list")
        return resultReply(id, {{"tools", m_tools.definitions()}});

    if (!params.contains("name") || !params["name"].is_string())
        return fail(id, InvalidParams, "tools/call needs the tool's name.");
    const std::string name = params["name"];
    const json arguments = params.value("arguments", json::object());
    if (const std::string why = m_tools.validate(name, arguments); !why.empty())
        return fail(id, InvalidParams, why);
    const ToolAnswer answer = m_tools.call(name, arguments);
    if (!answer.error.empty())
        return resultReply(
            id, {{"content", {{{"type", "text"}, {"text", answer.error}}}}, {"isError", true}});
    // The text repeats the structured result for clients that read only text.
    return resultReply(id,
                       {{"content", {{{"type", "text"}, {"text", dump(answer.result)}}}},
                        {"structuredContent", answer.result},
                        {"isError", false}});
}

} // namespace spanscope::mcp
