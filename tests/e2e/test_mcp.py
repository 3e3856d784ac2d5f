"""The MCP server end to end: the official MCP Python SDK (PyPI `mcp`, pinned) as the client, over
stdio (`spanscope mcp`) and over Streamable HTTP (`serve --mcp`), reading the demo data and a trace
the Python SDK sent with an exception, a bearer header and an e-mail address in it."""
import asyncio
import json
import subprocess
import sys
import urllib.error
import urllib.request

from mcp import Client, StdioServerParameters
from mcp.shared.exceptions import MCPError

from harness import SPANSCOPE, E2ETestCase, SpanscopeServer, cli_json, run_cli, run_client

# A request whose span carries what must not reach an agent, then fails with an exception.
SECRET_SENDER = r"""
import json, sys
from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.trace import Status, StatusCode

provider = TracerProvider(resource=Resource.create({"service.name": "accounts"}))
provider.add_span_processor(SimpleSpanProcessor(OTLPSpanExporter(endpoint=sys.argv[1] + "/v1/traces")))
tracer = provider.get_tracer("accounts")

def load_profile(user):
    raise KeyError(f"no profile for {user}")

with tracer.start_as_current_span("GET /profile", kind=trace.SpanKind.SERVER) as span:
    ids = {"trace": format(span.get_span_context().trace_id, "032x"),
           "span": format(span.get_span_context().span_id, "016x")}
    span.set_attribute("http.request.header.authorization", ["Bearer sk-live-0123456789abcdef"])
    span.set_attribute("user.email", "ada@example.com")
    span.set_attribute("note", "sent by ada@example.com from the form")
    span.set_attribute("big", "x" * 100_000)
    try:
        load_profile("ada")
    except KeyError as error:
        span.record_exception(error)
        span.set_status(Status(StatusCode.ERROR, str(error)))
provider.shutdown()
print(json.dumps(ids))
"""


def call(client, tool, **arguments):
    return client.call_tool(tool, arguments)


class McpServerTests(E2ETestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = SpanscopeServer("--mcp", "127.0.0.1:0").__enter__()
        demo = subprocess.run([SPANSCOPE, "demo", "--grpc", cls.server.grpc], capture_output=True,
                              text=True, timeout=120)
        assert demo.returncode == 0, demo.stderr
        cls.failed_order = next(line.split()[-1] for line in demo.stdout.splitlines()
                                if "the failed order" in line)
        cls.secret = run_client([sys.executable, "-c", SECRET_SENDER, cls.server.http_url])
        cls.stdio = StdioServerParameters(command=SPANSCOPE, args=["mcp", "--db", cls.server.db])

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)

    def run_with(self, target, body):
        async def go():
            async with Client(target) as client:
                return await body(client)
        return asyncio.run(go())

    def test_tools_are_listed_with_schemas(self):
        async def body(client):
            return (await client.list_tools()).tools
        tools = {tool.name: tool for tool in self.run_with(self.stdio, body)}
        self.assertEqual(set(tools), {"list_traces", "get_trace", "get_span", "search_logs", "list_errors",
                                      "list_insights", "compare_traces", "compare_runs", "list_services"})
        self.assertEqual(tools["get_trace"].input_schema["required"], ["traceId"])
        self.assertEqual(tools["get_trace"].output_schema["type"], "object")

    def test_a_failing_trace_reads_as_its_exception(self):
        async def body(client):
            errors = await call(client, "list_errors")
            trace = await call(client, "get_trace", traceId=self.failed_order)
            return errors, trace
        errors, trace = self.run_with(self.stdio, body)
        self.assertFalse(errors.is_error)
        groups = errors.structured_content["groups"]
        declined = next(g for g in groups if g["type"] == "shop.payments.CardDeclinedException")
        self.assertEqual(declined["exampleTraceId"], self.failed_order)
        self.assertEqual(declined["topFrame"], "shop.payments.Gateway.charge(Gateway.java:118)")
        result = trace.structured_content
        stored = cli_json(self.server.db, "traces", "--trace-id", self.failed_order)[0]
        self.assertEqual(result["trace"]["spanCount"], stored["spanCount"])
        self.assertEqual(result["trace"]["errorCount"], stored["errorCount"])
        types = [e["exception"]["type"] for e in result["errors"] if "exception" in e]
        self.assertIn("shop.payments.CardDeclinedException", types)
        self.assertTrue(result["criticalPath"])
        self.assertEqual(result["criticalPath"][0]["name"], stored["rootName"])
        self.assertEqual(len(result["spans"]), stored["spanCount"])
        # The text content carries the same answer for clients that read only text.
        self.assertEqual(json.loads(trace.content[0].text), result)

    def test_secrets_are_masked_and_long_values_cut(self):
        async def body(client):
            return await call(client, "get_span", traceId=self.secret["trace"], spanId=self.secret["span"])
        span = self.run_with(self.stdio, body).structured_content
        attributes = span["span"]["attributes"]
        self.assertEqual(attributes["http.request.header.authorization"], "[REDACTED]")
        self.assertNotIn("ada@example.com", json.dumps(span))
        self.assertIn("[REDACTED]", attributes["note"])
        self.assertGreater(span["redacted"]["values"], 0)
        self.assertLess(len(attributes["big"]), 3_000)
        self.assertIn("100000 characters", attributes["big"])
        exception = span["span"]["events"][0]
        self.assertEqual(exception["attributes"]["exception.type"], "KeyError")
        # Unmasked only when asked for, explicitly.
        async def raw(client):
            return await call(client, "get_span", traceId=self.secret["trace"], spanId=self.secret["span"])
        plain = self.run_with(StdioServerParameters(command=SPANSCOPE, args=[
            "mcp", "--db", self.server.db, "--no-redaction"]), raw).structured_content
        self.assertEqual(plain["span"]["attributes"]["user.email"], "ada@example.com")

    def test_an_oversized_answer_is_cut_with_a_hint(self):
        async def body(client):
            return await call(client, "get_trace", traceId=self.secret["trace"], attributes=True)
        big = self.run_with(self.stdio, body)
        self.assertLess(len(big.content[0].text), 25_000)
        # The large batch job of the demo has thousands of spans: they come a page at a time.
        batch = next(t for t in cli_json(self.server.db, "traces", "--limit", "100") if t["spanCount"] > 1000)
        async def paged(client):
            first = await call(client, "get_trace", traceId=batch["traceId"], maxSpans=500, attributes=True)
            return first
        first = self.run_with(self.stdio, paged).structured_content
        self.assertIn("truncated", first)
        shown = first["truncated"]["shown"]
        self.assertGreater(shown, 0)
        self.assertIn(f"spanOffset={shown}", first["truncated"]["hint"])

    def test_every_tool_answers_on_the_demo_data(self):
        traces = cli_json(self.server.db, "traces", "--limit", "100")
        async def body(client):
            answers = {}
            answers["list_traces"] = await call(client, "list_traces", errorsOnly=True, limit=1)
            page = answers["list_traces"].structured_content
            answers["next_page"] = await call(client, "list_traces", errorsOnly=True, limit=1,
                                              cursor=page["nextCursor"])
            answers["search_logs"] = await call(client, "search_logs", traceId=self.failed_order)
            answers["list_insights"] = await call(client, "list_insights")
            answers["compare_traces"] = await call(client, "compare_traces", traceIdB=self.failed_order)
            answers["compare_runs"] = await call(client, "compare_runs", baseline="since=1h,until=1m",
                                                 candidate="since=1m")
            answers["list_services"] = await call(client, "list_services")
            answers["missing"] = await call(client, "get_trace", traceId="0" * 31 + "1")
            return answers
        answers = self.run_with(self.stdio, body)
        for name, answer in answers.items():
            if name != "missing":
                self.assertFalse(answer.is_error, f"{name}: {answer.content}")
        errors = [t["traceId"] for t in traces if t["errorCount"] > 0]
        self.assertEqual([t["traceId"] for t in answers["list_traces"].structured_content["traces"]], errors[:1])
        self.assertEqual([t["traceId"] for t in answers["next_page"].structured_content["traces"]], errors[1:2])
        stored_logs = cli_json(self.server.db, "logs", "--trace", self.failed_order)
        stored_count = sum(len(scope["logRecords"]) for resource in stored_logs["resourceLogs"]
                           for scope in resource["scopeLogs"])
        self.assertGreater(stored_count, 0)
        self.assertEqual(len(answers["search_logs"].structured_content["logs"]), stored_count)
        self.assertTrue(any(i["kind"] == "n_plus_one_db" for i in answers["list_insights"].structured_content["insights"]))
        services = {row["service"] for row in answers["list_services"].structured_content["services"]}
        self.assertTrue({"checkout", "payments"} <= services, services)
        self.assertTrue(answers["missing"].is_error)
        self.assertIn("No trace", answers["missing"].content[0].text)

    def test_bad_calls_are_json_rpc_errors_and_the_server_stays_up(self):
        async def body(client):
            failures = []
            for tool, arguments in [("no_such_tool", {}), ("get_trace", {"traceId": 42}),
                                    ("list_traces", {"limit": 1000}), ("get_trace", {}),
                                    ("list_traces", {"service": "s" * 200_000})]:
                try:
                    await client.call_tool(tool, arguments)
                    failures.append(None)
                except MCPError as error:
                    failures.append(error.error.code)
            still = await call(client, "list_traces", limit=1)
            return failures, still
        failures, still = self.run_with(self.stdio, body)
        self.assertEqual(failures, [-32602] * 5)
        self.assertFalse(still.is_error)

    def test_malformed_messages_over_stdio(self):
        lines = ['{"jsonrpc":"2.0","id":1,"method":"tools/list"}',  # before initialize
                 'not json', '[' * 10_000, '[{"jsonrpc":"2.0","id":2,"method":"ping"}]',
                 '{"jsonrpc":"2.0","id":3,"method":"nope"}',
                 '{"jsonrpc":"2.0","id":4,"method":"ping","params":{"x":"' + "y" * (2 << 20) + '"}}',
                 '{"jsonrpc":"2.0","id":5,"method":"initialize","params":{"protocolVersion":"1999-01-01"}}',
                 '{"jsonrpc":"2.0","id":6,"method":"ping"}']
        result = subprocess.run([SPANSCOPE, "mcp", "--db", self.server.db], input="\n".join(lines) + "\n",
                                capture_output=True, text=True, timeout=60)
        self.assertEqual(result.returncode, 0, result.stderr)
        replies = [json.loads(line) for line in result.stdout.splitlines()]
        self.assertEqual([r.get("error", {}).get("code") for r in replies],
                         [-32600, -32700, -32600, -32600, -32601, -32600, None, None])
        self.assertEqual(replies[6]["result"]["protocolVersion"], "2025-11-25")  # ours, for an unknown one
        self.assertEqual(replies[7], {"jsonrpc": "2.0", "id": 6, "result": {}})

    def test_streamable_http(self):
        url = self.server.mcp
        async def body(client):
            tools = await client.list_tools()
            trace = await call(client, "get_trace", traceId=self.failed_order)
            return tools, trace
        tools, trace = self.run_with(url, body)
        self.assertEqual(len(tools.tools), 9)
        self.assertEqual(trace.structured_content["trace"]["traceId"], self.failed_order)

    def test_http_refuses_pages_and_other_hosts(self):
        url = self.server.mcp
        initialize = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                                 "params": {"protocolVersion": "2025-11-25", "capabilities": {},
                                            "clientInfo": {"name": "t", "version": "1"}}}).encode()
        def post(headers, data=initialize, method="POST"):
            request = urllib.request.Request(url, data=data, method=method, headers={
                "Content-Type": "application/json", "Accept": "application/json, text/event-stream", **headers})
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    return response.status, dict(response.headers), response.read()
            except urllib.error.HTTPError as error:
                return error.code, dict(error.headers), error.read()
        self.assertEqual(post({"Origin": "https://evil.example"})[0], 403)
        self.assertEqual(post({"Host": "evil.example"})[0], 403)
        self.assertEqual(post({}, data=None, method="GET")[0], 405)
        # Outside a session: a newer client's probe is "not found" (it then falls back), a
        # tool call needs initialize first; neither opens a session.
        probe = post({}, data=json.dumps({"jsonrpc": "2.0", "id": 9, "method": "server/discover"}).encode())
        self.assertEqual((probe[0], json.loads(probe[2])["error"]["code"]), (200, -32601))
        self.assertNotIn("Mcp-Session-Id", probe[1])
        early = post({}, data=json.dumps({"jsonrpc": "2.0", "id": 9, "method": "tools/list"}).encode())
        self.assertEqual((early[0], json.loads(early[2])["error"]["code"]), (400, -32600))
        status, headers, body = post({"Origin": "http://localhost:3000"})
        self.assertEqual(status, 200)
        session = headers["Mcp-Session-Id"]
        ping = json.dumps({"jsonrpc": "2.0", "id": 2, "method": "ping"}).encode()
        self.assertEqual(post({"Mcp-Session-Id": session}, data=ping)[0], 200)
        self.assertEqual(post({"Mcp-Session-Id": "f" * 32}, data=ping)[0], 404)
        self.assertEqual(post({"Mcp-Session-Id": session}, data=None, method="DELETE")[0], 200)
        self.assertEqual(post({"Mcp-Session-Id": session}, data=ping)[0], 404)
