// The MCP server's protocol (lifecycle, errors) and the analysis it answers with: the frame an
// exception was raised in and a trace's critical path.

#include "freshdatabase.h"
#include "tracebuilder.h"

#include <analysis/criticalpath.h>
#include <errorgroups.h>
#include <mcpsession.h>
#include <mcptools.h>

#include <nlohmann/json.hpp>

#include <QTemporaryDir>
#include <QTest>

using namespace spanscope;
using nlohmann::json;
using testing::Ms;

namespace {
// JSON as text: QCOMPARE compares and prints it.
QString dumped(const json &value)
{
    return QString::fromStdString(value.dump());
}
} // namespace

class TestMcp : public QObject
{
    Q_OBJECT

private slots:
    void topFrame_data();
    void topFrame();
    void criticalPathFollowsWhatTheParentWaitedFor();
    void lifecycle();
    void malformedMessages();
    void toolArgumentsAreChecked();
    void aMissingStoreIsAToolError();
    void answersStayWithinTheirBudget();

private:
    json ask(mcp::McpSession &session, const std::string &message)
    {
        return json::parse(session.handle(message));
    }
    std::string initialize(const char *version = "2025-06-18")
    {
        return json{{"jsonrpc", "2.0"},
                    {"id", 1},
                    {"method", "initialize"},
                    {"params", {{"protocolVersion", version}, {"capabilities", json::object()}}}}
            .dump();
    }
    std::string callTool(const std::string &name, json arguments)
    {
        return json{{"jsonrpc", "2.0"},
                    {"id", 7},
                    {"method", "tools/call"},
                    {"params", {{"name", name}, {"arguments", arguments}}}}
            .dump();
    }
    QTemporaryDir m_dir;
};

void TestMcp::topFrame_data()
{
    QTest::addColumn<QString>("stacktrace");
    QTest::addColumn<QString>("frame");
    QTest::newRow("python: the innermost frame is last")
        << "Traceback (most recent call last):\n"
           "  File \"/usr/lib/python3/site-packages/opentelemetry/trace/__init__.py\", line 589, "
           "in use_span\n    yield span\n"
           "  File \"/app/shop/orders.py\", line 20, in checkout\n    charge(total)\n"
           "  File \"/app/shop/payments.py\", line 41, in charge\n    raise PaymentError()\n"
           "PaymentError: declined"
        << "charge (payments.py:41)";
    QTest::newRow("java: the first frame")
        << "shop.CardDeclined: no\n\tat shop.payments.Gateway.charge(Gateway.java:118)\n\tat "
           "shop.Checkout.pay(Checkout.java:7)"
        << "shop.payments.Gateway.charge(Gateway.java:118)";
    QTest::newRow("node")
        << "Error: boom\n    at handler (/app/server.js:10:5)\n    at Layer.handle (/app/x.js:1:1)"
        << "handler (/app/server.js:10:5)";
    QTest::newRow("go: the SDK's own frames skipped")
        << "goroutine 1 [running]:\n"
           "go.opentelemetry.io/otel/sdk/trace.recordStackTrace()\n\t/go/otel/span.go:400 +0x65\n"
           "main.handle(0x1)\n\t/app/main.go:42 +0x1d\n"
        << "main.handle (main.go:42)";
    QTest::newRow("nothing recognised") << "something went wrong"
                                        << "";
}

void TestMcp::topFrame()
{
    QFETCH(QString, stacktrace);
    QFETCH(QString, frame);
    QCOMPARE(QString::fromStdString(analysis::topFrameOf(stacktrace.toStdString())), frame);
}

void TestMcp::criticalPathFollowsWhatTheParentWaitedFor()
{
    testing::TraceBuilder builder;
    const int root = builder.add("GET /checkout", -1, 0, 40, storage::SpanKind::Server);
    builder.add("cache", root, 3, 2); // within the query: not what the root waited for
    builder.add("SELECT", root, 2, 10);
    const int charge = builder.add("charge", root, 12, 25);
    builder.add("POST /pay", charge, 14, 20, storage::SpanKind::Client);
    const storage::TraceData &trace = builder.trace();
    const analysis::SpanTree tree(trace);
    QStringList path;
    for (const int span : analysis::criticalPath(trace, tree))
        path << QString::fromStdString(trace.spans[span].span.name);
    QCOMPARE(path,
             (QStringList{QStringLiteral("GET /checkout"), QStringLiteral("SELECT"),
                          QStringLiteral("charge"), QStringLiteral("POST /pay")}));
}

void TestMcp::lifecycle()
{
    mcp::McpTools tools({m_dir.filePath(QStringLiteral("none.db")).toStdString()});
    mcp::McpSession session(tools);
    // Nothing but ping before initialize.
    QCOMPARE(
        dumped(ask(session, R"({"jsonrpc":"2.0","id":1,"method":"tools/list"})")["error"]["code"]),
        dumped(json(-32600)));
    QCOMPARE(dumped(ask(session, R"({"jsonrpc":"2.0","id":"p","method":"ping"})")["result"]),
             dumped(json(json::object())));
    const json hello = ask(session, initialize());
    QCOMPARE(dumped(hello["result"]["protocolVersion"]), dumped(json("2025-06-18")));
    QCOMPARE(dumped(hello["result"]["serverInfo"]["name"]), dumped(json("spanscope")));
    QVERIFY(hello["result"]["capabilities"].contains("tools"));
    QVERIFY(session.handle(R"({"jsonrpc":"2.0","method":"notifications/initialized"})").empty());
    const json listed = ask(session, R"({"jsonrpc":"2.0","id":2,"method":"tools/list"})");
    QCOMPARE(dumped(listed["id"]), dumped(json(2)));
    QCOMPARE(dumped(listed["result"]["tools"].size()), dumped(json(9u)));
    for (const json &tool : listed["result"]["tools"]) {
        QCOMPARE(dumped(tool["inputSchema"]["type"]), dumped(json("object")));
        QVERIFY(!tool["description"].get<std::string>().empty());
    }
    // A version this server does not know is answered with the newest it does.
    mcp::McpSession other(tools);
    QCOMPARE(dumped(ask(other, initialize("2099-01-01"))["result"]["protocolVersion"]),
             dumped(json(mcp::McpSession::LatestVersion)));
    // A newer client's probe is a method not found, so it falls back to initialize.
    QCOMPARE(dumped(ask(other,
                        R"({"jsonrpc":"2.0","id":3,"method":"server/discover"})")["error"]["code"]),
             dumped(json(-32601)));
}

void TestMcp::malformedMessages()
{
    mcp::McpTools tools({m_dir.filePath(QStringLiteral("none.db")).toStdString()});
    mcp::McpSession session(tools);
    ask(session, initialize());
    QCOMPARE(dumped(ask(session, "{\"jsonrpc\":")["error"]["code"]), dumped(json(-32700)));
    QCOMPARE(dumped(ask(session, std::string(100'000, '['))["error"]["code"]),
             dumped(json(-32600)));
    QCOMPARE(dumped(ask(session, R"([{"jsonrpc":"2.0","id":1,"method":"ping"}])")["error"]["code"]),
             dumped(json(-32600)));
    QCOMPARE(dumped(ask(session, R"({"id":1,"method":"ping"})")["error"]["code"]),
             dumped(json(-32600)));
    QCOMPARE(dumped(ask(session, R"({"jsonrpc":"2.0","id":[1],"method":"ping"})")["error"]["code"]),
             dumped(json(-32600)));
    QCOMPARE(
        dumped(ask(session,
                   R"({"jsonrpc":"2.0","id":1,"method":"ping","params":[1]})")["error"]["code"]),
        dumped(json(-32602)));
    QCOMPARE(dumped(ask(session,
                        std::string(mcp::McpSession::MaxMessageBytes + 1, ' '))["error"]["code"]),
             dumped(json(-32600)));
    // A response to a request the server never sent is not answered.
    QVERIFY(session.handle(R"({"jsonrpc":"2.0","id":5,"result":{}})").empty());
    QVERIFY(session.initialized()); // and the session goes on
}

void TestMcp::toolArgumentsAreChecked()
{
    mcp::McpTools tools({m_dir.filePath(QStringLiteral("none.db")).toStdString()});
    mcp::McpSession session(tools);
    ask(session, initialize());
    const auto code = [&](const std::string &tool, json arguments) {
        const json reply = ask(session, callTool(tool, std::move(arguments)));
        return reply.contains("error") ? reply["error"]["code"].get<int>() : 0;
    };
    QCOMPARE(code("no_such_tool", json::object()), -32602);
    QCOMPARE(code("get_trace", json::object()), -32602); // traceId is required
    QCOMPARE(code("get_trace", {{"traceId", "xyz"}}), -32602);
    QCOMPARE(code("get_trace", {{"traceId", std::string(32, 'a')}, {"extra", 1}}), -32602);
    QCOMPARE(code("list_traces", {{"limit", 0}}), -32602);
    QCOMPARE(code("list_traces", {{"limit", 1.5}}), -32602);
    QCOMPARE(code("list_traces", {{"since", "soon"}}), -32602);
    QCOMPARE(code("search_logs", {{"minSeverity", "loud"}}), -32602);
    QVERIFY(tools.validate("list_traces", {{"limit", 5}, {"since", "15m"}}).empty());
}

void TestMcp::aMissingStoreIsAToolError()
{
    const std::string missing = m_dir.filePath(QStringLiteral("sub/none.db")).toStdString();
    mcp::McpTools tools({missing});
    mcp::McpSession session(tools);
    ask(session, initialize());
    const json reply = ask(session, callTool("list_traces", json::object()));
    QCOMPARE(dumped(reply["result"]["isError"]), dumped(json(true)));
    QVERIFY(reply["result"]["content"][0]["text"].get<std::string>().find("Start Spanscope")
            != std::string::npos);
}

void TestMcp::answersStayWithinTheirBudget()
{
    // One trace: a root with 600 children, the root holding 1 000 attributes of 1 000 characters.
    FreshDatabase db;
    db.open();
    storage::TraceBatch batch;
    storage::ScopedSpans &group = batch.groups.emplace_back();
    group.resource.attributes = {{"service.name", {std::string("shop")}}};
    const auto spanAt = [](int n) {
        storage::Span span;
        span.traceId.fill(7);
        span.spanId[6] = static_cast<std::uint8_t>((n + 1) >> 8);
        span.spanId[7] = static_cast<std::uint8_t>(n + 1);
        span.name = "step";
        span.startUnixNano = 1'700'000'000'000'000'000ULL + std::uint64_t(n) * Ms;
        span.endUnixNano = span.startUnixNano + Ms;
        return span;
    };
    storage::Span root = spanAt(0);
    root.endUnixNano = root.startUnixNano + 700 * Ms;
    for (int i = 0; i < 1000; ++i)
        root.attributes.push_back({"key." + std::to_string(i), {std::string(1000, 'v')}});
    group.spans.push_back(root);
    for (int n = 1; n <= 600; ++n) {
        storage::Span child = spanAt(n);
        child.parentSpanId = root.spanId;
        group.spans.push_back(child);
    }
    QVERIFY(db.writer().writeTraces(batch).committed());

    mcp::McpTools tools({db.path().toStdString(), true, 24'000});
    const std::string traceId = storage::toHex(root.traceId);
    const mcp::ToolAnswer span
        = tools.call("get_span", {{"traceId", traceId}, {"spanId", storage::toHex(root.spanId)}});
    QVERIFY2(span.error.empty(), span.error.c_str());
    const json &attributes = span.result["span"]["attributes"];
    QCOMPARE(attributes.size(), 129u); // 128 and a line saying how many more
    QVERIFY(attributes.contains("…"));

    // The tree is paged: a page's answer fits, and says where the next begins.
    const mcp::ToolAnswer page = tools.call("get_trace", {{"traceId", traceId}, {"maxSpans", 500}});
    QVERIFY2(page.error.empty(), page.error.c_str());
    QVERIFY(page.result.dump().size() <= 24'000);
    const std::size_t shown = page.result["spans"].size();
    QVERIFY(shown > 0 && shown < 500);
    QCOMPARE(page.result["truncated"]["total"].get<std::size_t>(), 500u);
    QVERIFY(page.result["truncated"]["hint"].get<std::string>().find("spanOffset="
                                                                     + std::to_string(shown))
            != std::string::npos);
    const mcp::ToolAnswer next
        = tools.call("get_trace", {{"traceId", traceId}, {"spanOffset", shown}, {"maxSpans", 500}});
    QCOMPARE(next.result["spanOffset"].get<std::size_t>(), shown);
    QVERIFY(next.result["spans"].front()["spanId"] != page.result["spans"].back()["spanId"]);
}

QTEST_GUILESS_MAIN(TestMcp)
#include "tst_mcp.moc"
