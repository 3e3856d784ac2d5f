#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace spanscope::storage {
class TraceStore;
}
namespace spanscope::ingest {
class Redactor;
}

namespace spanscope::mcp {

// What a tool answers: its structured result, or a message for the model (an MCP tool error,
// not a protocol failure: "no such trace" is something the agent can act on).
struct ToolAnswer
{
    nlohmann::json result = nlohmann::json::object();
    std::string error;
};

// The tools an agent reads the local store with: summary-first answers, each within a size
// budget, every value passed through the bundle's redaction rules unless told otherwise. The
// store is opened read-only on first use (the window may be running, or not started yet).
// Not thread-safe: one McpTools per thread, as for TraceStore.
class McpTools
{
public:
    struct Options
    {
        std::string databasePath;
        bool redact = true;
        // An answer's JSON text is cut to this many characters, lists first, with a hint that
        // says how to ask for the rest. ~6 000 tokens: room in an agent's context for several.
        std::size_t maxAnswerChars = 24'000;
    };
    explicit McpTools(Options options);
    ~McpTools();

    // The tools/list entries: name, title, description, inputSchema, outputSchema.
    const nlohmann::json &definitions() const { return m_definitions; }
    bool has(const std::string &name) const;
    // Why `arguments` do not fit the tool's input schema, or empty when they do.
    std::string validate(const std::string &name, const nlohmann::json &arguments) const;
    // Runs a tool whose arguments were validated.
    ToolAnswer call(const std::string &name, const nlohmann::json &arguments);

private:
    struct Tool;
    storage::TraceStore *store(std::string &error);

    ToolAnswer listTraces(const nlohmann::json &arguments);
    ToolAnswer getTrace(const nlohmann::json &arguments);
    ToolAnswer getSpan(const nlohmann::json &arguments);
    ToolAnswer searchLogs(const nlohmann::json &arguments);
    ToolAnswer listErrors(const nlohmann::json &arguments);
    ToolAnswer listInsights(const nlohmann::json &arguments);
    ToolAnswer compareTraces(const nlohmann::json &arguments);
    ToolAnswer compareRuns(const nlohmann::json &arguments);
    ToolAnswer listServices(const nlohmann::json &arguments);

    // Cuts the answer's `list` until its text fits the budget; says how many were left out and
    // how to continue (`next(shown)` is the hint).
    void fit(ToolAnswer &answer, const char *list,
             const std::function<std::string(std::size_t shown)> &next) const;
    // The values masked since `before` (counts summed), noted on the answer when any.
    std::size_t maskedSoFar() const;

    Options m_options;
    std::vector<Tool> m_tools;
    nlohmann::json m_definitions;
    std::unique_ptr<storage::TraceStore> m_store;
    std::unique_ptr<ingest::Redactor> m_redactor;
};

} // namespace spanscope::mcp
