"""The JS SDK: OTLP/HTTP JSON and OTLP/gRPC exporters, two services joined by `traceparent`."""
import shutil
import unittest

from harness import E2ETestCase, SpanscopeServer, attrs, run_client, spans_by_name


class NodeSdkTest(E2ETestCase):
    def test_two_services_one_trace(self):
        node = shutil.which("node")
        self.assertIsNotNone(node, "node is needed for this test")
        with SpanscopeServer() as server:
            ids = run_client([node, "node/two_services.cjs", "--http", server.http_url, "--grpc", server.grpc_url])
            spans = spans_by_name(server.trace(ids["traceId"]))
            self.assertEqual(set(spans), {"POST /checkout", "GET", "GET /inventory", "SELECT inventory"})
            services = {name: span["_resource"]["service.name"]["stringValue"] for name, span in spans.items()}
            self.assertEqual(services, {"POST /checkout": "web-frontend", "GET": "web-frontend",
                                        "GET /inventory": "inventory-backend",
                                        "SELECT inventory": "inventory-backend"})
            root, call = ids["frontendSpans"]
            server_span, db_span = ids["backendSpans"]
            self.assertEqual(spans["GET"]["parentSpanId"], root)
            self.assertEqual(spans["GET /inventory"]["spanId"], server_span)
            self.assertEqual(spans["GET /inventory"]["parentSpanId"], call)
            self.assertEqual(spans["SELECT inventory"]["parentSpanId"], server_span)
            self.assertEqual(spans["GET /inventory"]["kind"], 2)
            self.assertEqual(spans["SELECT inventory"]["kind"], 3)
            # JSON exporter (frontend): typed attributes, event and OK status decoded.
            self.assertEqual(attrs(spans["POST /checkout"])["cart.items"], ("intValue", "2"))
            self.assertEqual(spans["POST /checkout"]["status"], {"code": 1})
            self.assertEqual(spans["POST /checkout"]["events"][0]["name"], "inventory checked")
            # gRPC exporter (backend).
            self.assertEqual(attrs(spans["GET /inventory"])["http.response.status_code"], ("intValue", "200"))
            self.assertEqual(attrs(spans["SELECT inventory"])["db.system.name"], ("stringValue", "postgresql"))

            summary = [t for t in __import__("harness").cli_json(server.db, "traces") if t["traceId"] == ids["traceId"]]
            self.assertEqual(summary[0]["services"], ["inventory-backend", "web-frontend"])
            self.assertEqual(summary[0]["rootName"], "POST /checkout")
            self.assertEqual(summary[0]["spanCount"], 4)


if __name__ == "__main__":
    unittest.main()
