"""The Python OpenTelemetry SDK, configured as the tracing guide shows, against `spanscope serve`."""
import os
import subprocess
import sys
import tempfile
import unittest

from harness import SPANSCOPE, E2ETestCase, SpanscopeServer, attrs, cli_json, run_client, spans_by_name


class PythonSdkTest(E2ETestCase):
    def send_order_flow(self, server, protocol, service, gzip=False):
        endpoint = server.grpc_url if protocol == "grpc" else server.http_url
        return run_client([sys.executable, "order_flow.py", "--endpoint", endpoint, "--protocol", protocol,
                           "--service", service, "--logs", *(["--gzip"] if gzip else [])])

    def check_order_flow(self, server, ids, service):
        spans = spans_by_name(server.trace(ids["trace_id"]))
        self.assertEqual(set(spans), {"process_order", "validate_order", "check_inventory", "process_payment"})
        root = spans["process_order"]
        self.assertEqual(root["traceId"], ids["trace_id"])
        self.assertEqual(root["spanId"], ids["process_order"])
        self.assertNotIn("parentSpanId", root)
        self.assertEqual(root["kind"], 2)
        for child in ("validate_order", "check_inventory", "process_payment"):
            self.assertEqual(spans[child]["spanId"], ids[child])
            self.assertEqual(spans[child]["parentSpanId"], ids["process_order"])
            self.assertEqual(spans[child]["kind"], 1)

        # Typed attributes survive: int, string, bool, array, double.
        a = attrs(root)
        self.assertEqual(a["order.id"], ("intValue", "1042"))
        self.assertEqual(a["order.type"], ("stringValue", "standard"))
        self.assertEqual(a["order.express"], ("boolValue", False))
        self.assertEqual(a["order.tags"], ("arrayValue", {"values": [{"stringValue": "gift"}, {"stringValue": "fragile"}]}))
        self.assertEqual(a["order.items"], ("intValue", "3"))
        self.assertEqual(attrs(spans["process_payment"])["payment.amount"], ("doubleValue", 99.5))

        # add_event with attributes.
        started = [e for e in root["events"] if e["name"] == "processing_started"]
        self.assertEqual(len(started), 1)
        self.assertEqual(attrs(started[0])["items"], ("intValue", "3"))

        # record_exception and the ERROR status on the failing payment.
        payment = spans["process_payment"]
        self.assertEqual(payment["status"], {"code": 2, "message": "PaymentError: card declined for 99.50"})
        exception = next(e for e in payment["events"] if e["name"] == "exception")
        ea = attrs(exception)
        self.assertEqual(ea["exception.type"], ("stringValue", "__main__.PaymentError"))
        self.assertEqual(ea["exception.message"], ("stringValue", "card declined for 99.50"))
        stack = ea["exception.stacktrace"][1]
        self.assertIn("Traceback (most recent call last):", stack)
        self.assertIn('order_flow.py", line', stack)
        self.assertIn("in charge_payment", stack)
        self.assertNotIn("status", spans["validate_order"])
        self.assertGreaterEqual(int(payment["endTimeUnixNano"]), int(payment["startTimeUnixNano"]))

        # Resource and scope.
        resource = root["_resource"]
        self.assertEqual(resource["service.name"], {"stringValue": service})
        self.assertEqual(resource["service.version"], {"stringValue": "1.0.0"})
        self.assertEqual(resource["deployment.environment"], {"stringValue": "production"})
        self.assertEqual(resource["telemetry.sdk.language"], {"stringValue": "python"})
        self.assertEqual(root["_scope"], {"name": "shop.orders", "version": "2.1.0"})

        # One resource, stored once, with its two scopes (a resource was once stored per scope).
        data = server.trace(ids["trace_id"])
        self.assertEqual(len(data["resourceSpans"]), 1)
        self.assertEqual(sorted(s["scope"]["name"] for s in data["resourceSpans"][0]["scopeSpans"]),
                         ["shop.inventory", "shop.orders"])
        self.assertEqual(spans["check_inventory"]["_scope"]["name"], "shop.inventory")

        # A trace's records read in record time, oldest first: the story of the request.
        story = [r["body"]["stringValue"]
                 for rl in server.logs("--trace", ids["trace_id"])["resourceLogs"]
                 for sl in rl["scopeLogs"] for r in sl["logRecords"]]
        self.assertEqual(story, ["processing order 1042", "order validated",
                                 "payment failed: card declined for 99.50"])
        text = subprocess.run([SPANSCOPE, "show", ids["trace_id"], "--db", server.db, "--logs", "--utc"],
                              check=True, capture_output=True, text=True).stdout
        self.assertIn("process_payment  [%s]  internal  ✗ __main__.PaymentError: card declined for 99.50" % service,
                      text)
        self.assertLess(text.index("· INFO  processing order 1042"), text.index("validate_order"))
        self.assertIn("· ERROR payment failed: card declined for 99.50", text)

        # Logs from `logging` inside the spans carry that span's ids.
        logs = server.logs("--trace", ids["trace_id"])
        records = {r["body"]["stringValue"]: r
                   for rl in logs["resourceLogs"] for sl in rl["scopeLogs"] for r in sl["logRecords"]}
        expected = {"processing order 1042": "process_order", "order validated": "validate_order",
                    "payment failed: card declined for 99.50": "process_payment"}
        self.assertEqual(set(records), set(expected))
        for body, span_name in expected.items():
            self.assertEqual(records[body]["traceId"], ids["trace_id"])
            self.assertEqual(records[body]["spanId"], ids[span_name])
        self.assertEqual(records["payment failed: card declined for 99.50"]["severityNumber"], 17)
        self.assertEqual(records["order validated"]["severityText"], "INFO")

        # The unrelated span after the failure is its own trace.
        other = spans_by_name(server.trace(ids["confirmation_trace_id"]))
        self.assertEqual(list(other), ["send_confirmation"])

    def test_grpc(self):
        with SpanscopeServer() as server:
            ids = self.send_order_flow(server, "grpc", "order-service")
            self.check_order_flow(server, ids, "order-service")

    def test_http_protobuf(self):
        with SpanscopeServer() as server:
            ids = self.send_order_flow(server, "http", "order-service-http")
            self.check_order_flow(server, ids, "order-service-http")

    def test_gzip_on_both_transports(self):
        with SpanscopeServer() as server:
            for protocol in ("grpc", "http"):
                ids = self.send_order_flow(server, protocol, f"gzip-{protocol}", gzip=True)
                self.check_order_flow(server, ids, f"gzip-{protocol}")

    def test_survives_restart(self):
        with SpanscopeServer() as server:
            ids = self.send_order_flow(server, "grpc", "restart-service")
            before = server.trace(ids["trace_id"])
            server.stop()
            with SpanscopeServer(db=server.db) as again:
                self.assertEqual(again.trace(ids["trace_id"]), before)
                more = self.send_order_flow(again, "http", "restart-service")
                self.check_order_flow(again, more, "restart-service")

    def test_bearer_token_beyond_loopback(self):
        """Listening on every interface needs a token; SDKs present it through
        OTEL_EXPORTER_OTLP_HEADERS, and exports without it store nothing."""
        refused = subprocess.run([SPANSCOPE, "serve", "--grpc", "0.0.0.0:0", "--http", "127.0.0.1:0",
                                  "--sampling-http", "off", "--sampling-grpc", "off",
                                  "--db", os.path.join(tempfile.gettempdir(), "never-created.db")],
                                 capture_output=True, text=True, timeout=30, env={**os.environ, "SPANSCOPE_TOKEN": ""})
        self.assertEqual(refused.returncode, 1)
        self.assertIn("needs a bearer token", refused.stderr)

        with SpanscopeServer("--grpc", "0.0.0.0:0", "--http", "0.0.0.0:0", "--token", "dev t0ken/+ of 26 chars") as server:
            local = lambda address: "http://127.0.0.1:" + address.rsplit(":", 1)[1]
            os.environ["OTEL_EXPORTER_OTLP_HEADERS"] = "authorization=Bearer%20dev%20t0ken%2F%2B%20of%2026%20chars"
            try:
                for protocol, address in (("grpc", server.grpc), ("http", server.http)):
                    ids = run_client([sys.executable, "order_flow.py", "--endpoint", local(address),
                                      "--protocol", protocol, "--service", "token-" + protocol, "--logs"])
                    self.check_order_flow(server, ids, "token-" + protocol)
                os.environ["OTEL_EXPORTER_OTLP_HEADERS"] = "authorization=Bearer%20guess"
                for protocol, address in (("grpc", server.grpc), ("http", server.http)):
                    run_client([sys.executable, "order_flow.py", "--endpoint", local(address),
                                "--protocol", protocol, "--service", "intruder"])
            finally:
                del os.environ["OTEL_EXPORTER_OTLP_HEADERS"]
            server.wait_for_counter("trace_requests.rejected", 2)
            self.assertEqual(cli_json(server.db, "traces", "--service", "intruder"), [])


if __name__ == "__main__":
    unittest.main()
