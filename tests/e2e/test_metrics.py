"""OTLP metrics from the Python and Go SDKs over gRPC and HTTP/protobuf: what `spanscope metrics
--points --json` reads back equals what the SDK recorded — instruments, temporality,
attributes, values, buckets — and exemplars point at the stored spans they were taken in."""
import os
import socket
import subprocess
import sys
import tempfile
import time
import unittest

from harness import SPANSCOPE, E2ETestCase, SpanscopeServer, cli_json, run_cli, run_client


class MetricsTest(E2ETestCase):
    def send(self, server, protocol, service, delta=False):
        endpoint = server.grpc_url if protocol == "grpc" else server.http_url
        return run_client([sys.executable, "metrics_client.py", "--endpoint", endpoint, "--protocol", protocol,
                           "--service", service, *(["--delta"] if delta else [])])

    def send_go(self, server, protocol, service, delta=False):
        client = os.environ.get("SPANSCOPE_GO_METRICS")
        self.assertTrue(client and os.path.exists(client),
                        "SPANSCOPE_GO_METRICS names the Go SDK client that ./dev test builds (tests/e2e/go)")
        return run_client([client, "-grpc", server.grpc, "-http", server.http, "-protocol", protocol,
                           "-service", service, *(["-delta"] if delta else [])])

    def instruments(self, server, service):
        found = cli_json(server.db, "metrics", "--service", service, "--points")["instruments"]
        return {i["name"]: i for i in found}

    def check(self, server, sent, service, delta, description="Requests served"):
        instruments = self.instruments(server, service)
        self.assertEqual(set(instruments), {"http.server.requests", "http.server.active_requests",
                                            "http.server.duration", "payload.size", "queue.depth"})
        temporality = "delta" if delta else "cumulative"

        requests = instruments["http.server.requests"]
        self.assertEqual((requests["kind"], requests["temporality"], requests["monotonic"]),
                         ("sum", temporality, True))
        self.assertEqual(requests["unit"], "{request}")
        self.assertEqual(requests["description"], description)
        self.assertEqual(requests["scope"], "shop.metrics")
        by_route = {s["attributes"]["http.route"]: [p["value"] for p in s["points"]] for s in requests["series"]}
        # Two exports of 3 + 2 requests: cumulative counts grow, deltas repeat.
        self.assertEqual(by_route, {"/cart": [3, 3] if delta else [3, 6], "/checkout": [2, 2] if delta else [2, 4]})

        active = instruments["http.server.active_requests"]
        self.assertEqual((active["kind"], active["monotonic"]), ("sum", False))

        duration = instruments["http.server.duration"]
        self.assertEqual((duration["kind"], duration["temporality"]), ("histogram", temporality))
        for series in duration["series"]:
            route = series["attributes"]["http.route"]
            values = sent["durations"][route]
            last = series["points"][-1]
            per_export = len(values) // 2
            expected = values[per_export:] if delta else values
            self.assertEqual(last["count"], len(expected))
            self.assertAlmostEqual(last["sum"], sum(expected))
            self.assertEqual(last["min"], min(expected))
            self.assertEqual(last["max"], max(expected))
            self.assertEqual(len(last["bucketCounts"]), len(last["bounds"]) + 1)
            self.assertEqual(sum(last["bucketCounts"]), len(expected))

        size = instruments["payload.size"]
        self.assertEqual(size["kind"], "exponential_histogram")
        last = size["series"][0]["points"][-1]
        self.assertEqual(last["count"], 5 if delta else 10)
        self.assertEqual(sum(last["positive"]["counts"]) + last["zeroCount"], last["count"])

        queue = instruments["queue.depth"]
        self.assertEqual(queue["kind"], "gauge")
        self.assertEqual(queue["series"][0]["attributes"], {"queue": "orders"})
        self.assertEqual([p["value"] for p in queue["series"][0]["points"]], [3, 4])

        # Exemplars were taken inside the spans; each opens a stored span.
        sent_spans = {(s["traceId"], s["spanId"]) for s in sent["spans"]}
        exemplars = duration["exemplars"] + requests["exemplars"]
        self.assertTrue(exemplars, "the SDK sent exemplars with trace ids")
        for exemplar in exemplars:
            self.assertIn((exemplar["traceId"], exemplar["spanId"]), sent_spans)
        some = exemplars[0]
        stored = server.trace(some["traceId"])
        span_ids = {s["spanId"] for rs in stored["resourceSpans"] for ss in rs["scopeSpans"] for s in ss["spans"]}
        self.assertIn(some["spanId"], span_ids)

    def test_grpc_cumulative(self):
        with SpanscopeServer() as server:
            sent = self.send(server, "grpc", "metrics-grpc")
            self.check(server, sent, "metrics-grpc", delta=False)

    def test_http_protobuf_delta(self):
        with SpanscopeServer() as server:
            sent = self.send(server, "http", "metrics-http", delta=True)
            self.check(server, sent, "metrics-http", delta=True)
            stats = cli_json(server.db, "stats")["counters"]
            self.assertGreater(stats["metric_points.accepted"], 0)

    def test_go_sdk_grpc_cumulative(self):
        with SpanscopeServer() as server:
            sent = self.send_go(server, "grpc", "go-grpc")
            self.check(server, sent, "go-grpc", delta=False, description="")

    def test_go_sdk_http_delta(self):
        with SpanscopeServer() as server:
            sent = self.send_go(server, "http", "go-http", delta=True)
            self.check(server, sent, "go-http", delta=True, description="")

    def test_java_agent_jvm_and_http_metrics(self):
        """The Java agent's defaults, pointed at Spanscope over OTLP/HTTP: the JVM's metrics and
        the instrumented HttpClient's duration histogram are stored."""
        agent = os.environ.get("SPANSCOPE_JAVA_AGENT")
        self.assertTrue(agent and os.path.exists(agent), "SPANSCOPE_JAVA_AGENT names the agent ./dev test downloads")
        with SpanscopeServer() as server, tempfile.TemporaryFile("w+") as log:
            with socket.socket() as probe:
                probe.bind(("127.0.0.1", 0))
                port = probe.getsockname()[1]
            service = subprocess.Popen(
                ["java", f"-javaagent:{agent}", "-Dotel.service.name=java-shop",
                 "-Dotel.exporter.otlp.protocol=http/protobuf", f"-Dotel.exporter.otlp.endpoint={server.http_url}",
                 "-Dotel.metric.export.interval=500", "-Dotel.logs.exporter=none", "Hello.java", str(port)],
                cwd=os.path.join(os.path.dirname(os.path.abspath(__file__)), "java"),
                stdout=log, stderr=subprocess.STDOUT, text=True)
            try:
                wanted = {"jvm.memory.used", "jvm.thread.count", "jvm.gc.duration", "http.client.request.duration"}
                deadline = time.monotonic() + 120
                found = {}

                def client_calls():
                    series = found.get("http.client.request.duration", {}).get("series", [])
                    return series[0]["latest"].get("count") if series else None

                # Until the export after the service's five calls has landed (the agent exports
                # every 500 ms, so an earlier one may hold four).
                while time.monotonic() < deadline and not (wanted <= set(found) and client_calls() == 5):
                    if service.poll() is not None:
                        log.seek(0)
                        self.fail("the Java service exited: " + log.read())
                    time.sleep(0.5)
                    found = {i["name"]: i for i in cli_json(server.db, "metrics", "--service", "java-shop")["instruments"]}
                self.assertLessEqual(wanted, set(found))
                memory = found["jvm.memory.used"]
                self.assertEqual((memory["kind"], memory["monotonic"], memory["unit"]), ("sum", False, "By"))
                self.assertIn("jvm.memory.pool.name", memory["series"][0]["attributes"])
                client = found["http.client.request.duration"]
                self.assertEqual((client["kind"], client["unit"]), ("histogram", "s"))
                self.assertEqual(client["series"][0]["latest"]["count"], 5)
            finally:
                service.kill()
                service.wait()

    def test_latest_values_in_text(self):
        with SpanscopeServer() as server:
            self.send(server, "grpc", "metrics-text")
            text = run_cli(server.db, "metrics", "--name", "duration").stdout
            self.assertIn("http.server.duration  [histogram, cumulative]  ms", text)
            self.assertIn("http.route=/cart", text)
            self.assertIn("p99", text)


    def test_demo_metrics_exemplars_and_services(self):
        """`spanscope demo` sends metrics too; its exemplars open stored spans, and `services`
        counts the demo's requests and draws its edges."""
        with SpanscopeServer() as server:
            sent = subprocess.run([SPANSCOPE, "demo", "--grpc", server.grpc], capture_output=True, text=True, timeout=120)
            self.assertEqual(sent.returncode, 0, sent.stderr)
            found = {(i["service"], i["name"]): i
                     for i in cli_json(server.db, "metrics", "--points")["instruments"]}
            duration = found[("checkout", "http.server.request.duration")]
            self.assertEqual(duration["unit"], "s")
            exemplar = duration["exemplars"][0]
            stored = server.trace(exemplar["traceId"])
            spans = {s["spanId"]: s for rs in stored["resourceSpans"] for ss in rs["scopeSpans"] for s in ss["spans"]}
            self.assertEqual(spans[exemplar["spanId"]]["name"], "POST /api/orders")

            services = cli_json(server.db, "services", "--since", "10m")["services"]
            rows = {(r["service"], r["operation"]): r for r in services}
            self.assertEqual(rows[("checkout", "POST /api/orders")]["count"], 8)
            self.assertEqual(rows[("checkout", "POST /api/orders")]["errors"], 1)
            self.assertEqual(rows[("postgresql", "")]["kind"], "database")
            edges = {(e["from"], e["to"]): e for e in cli_json(server.db, "services", "--since", "10m", "--edges")["edges"]}
            self.assertEqual(edges[("web-frontend", "checkout")]["calls"], 8)
            self.assertEqual(edges[("checkout", "redis")]["toKind"], "cache")
            self.assertTrue(edges[("checkout", "notifications")]["messaging"])


if __name__ == "__main__":
    unittest.main()
