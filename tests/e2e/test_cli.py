"""The command line as a user meets it: clear errors for taken ports and foreign or newer
databases (left untouched), and queries with filters."""
import hashlib
import json
import os
import re
import socket
import sqlite3
import subprocess
import tempfile
import unittest
import urllib.request

from harness import SPANSCOPE, E2ETestCase, SpanscopeServer, attrs, cli_json, run_cli, spans_by_name


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def serve(*args, db):
    return subprocess.run([SPANSCOPE, "serve", "--db", db, "--sampling-http", "off", "--sampling-grpc", "off", *args],
                          capture_output=True, text=True, timeout=30)


def post_json(server, body):
    request = urllib.request.Request(server.http_url + "/v1/traces", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status


def trace_body(trace_id, service, spans):
    return {"resourceSpans": [{"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": service}}]},
                               "scopeSpans": [{"spans": spans}]}]}


class CliTest(E2ETestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.db = os.path.join(self.tmp.name, "x.db")

    def tearDown(self):
        self.tmp.cleanup()

    def test_taken_port(self):
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            port = taken.getsockname()[1]
            for flag in ("--grpc", "--http"):
                other = "--http" if flag == "--grpc" else "--grpc"
                result = serve(flag, f"127.0.0.1:{port}", other, "127.0.0.1:0", db=self.db)
                self.assertEqual(result.returncode, 1)
                self.assertIn(f"127.0.0.1:{port}", result.stderr)
                self.assertIn("in use", result.stderr)
                self.assertEqual(len(result.stderr.strip().splitlines()), 1)

    def test_two_spanscopes_do_not_share_a_database(self):
        with SpanscopeServer(db=self.db):
            result = serve("--grpc", "127.0.0.1:0", "--http", "127.0.0.1:0", db=self.db)
            self.assertEqual(result.returncode, 1)
            self.assertIn("is in use by another Spanscope", result.stderr)

    def assert_refused_untouched(self, sql, *messages):
        """After `sql` changes the file, serve and traces refuse it and leave its bytes alone."""
        db = sqlite3.connect(self.db)
        db.execute(sql)
        db.commit()
        db.close()
        before = sha256(self.db)
        result = serve("--grpc", "127.0.0.1:0", "--http", "127.0.0.1:0", db=self.db)
        self.assertEqual(result.returncode, 1)
        for message in messages:
            self.assertIn(message, result.stderr)
        self.assertEqual(run_cli(self.db, "traces", check=False).returncode, 1)
        self.assertEqual(sha256(self.db), before)

    def test_newer_database_is_refused_and_untouched(self):
        with SpanscopeServer(db=self.db):
            pass
        self.assert_refused_untouched("PRAGMA user_version = 99", "newer Spanscope", "left untouched")

    def test_foreign_database_is_refused(self):
        self.assert_refused_untouched("CREATE TABLE mine(x)", "not a Spanscope database")

    def test_bad_paths_and_arguments(self):
        result = serve("--grpc", "127.0.0.1:0", "--http", "127.0.0.1:0", db=self.tmp.name)
        self.assertEqual(result.returncode, 1)
        self.assertIn("is a directory", result.stderr)
        with open(self.db, "wb") as f:
            f.write(b"\x13" * 9000)
        self.assertIn("not a readable SQLite database", run_cli(self.db, "traces", check=False).stderr)
        # A bad argument is reported as such, before the database is looked at.
        result = run_cli(self.db, "show", "nothex", check=False)
        self.assertEqual(result.returncode, 2)
        self.assertIn("32 hex digits", result.stderr)

    def test_bad_usage(self):
        result = subprocess.run([SPANSCOPE, "serve", "--grpc", "nonsense"], capture_output=True, text=True)
        self.assertEqual(result.returncode, 2)
        self.assertIn("--grpc needs HOST:PORT", result.stderr)
        result = subprocess.run([SPANSCOPE, "frobnicate"], capture_output=True, text=True)
        self.assertEqual(result.returncode, 2)
        version = subprocess.run([SPANSCOPE, "--version"], capture_output=True, text=True)
        self.assertRegex(version.stdout, r"^spanscope \d+\.\d+\.\d+")

    def test_demo_traffic(self):
        with SpanscopeServer() as server:
            result = subprocess.run([SPANSCOPE, "demo", "--grpc", server.grpc], capture_output=True, text=True, timeout=120)
            self.assertEqual(result.returncode, 0, result.stderr)
            failed_id = re.search(r"failed order: +spanscope show ([0-9a-f]{32})", result.stdout).group(1)
            large_id = re.search(r"large batch job: +spanscope show ([0-9a-f]{32})", result.stdout).group(1)
            traces = {t["traceId"]: t for t in cli_json(server.db, "traces", "--limit", "100")}
            self.assertEqual(len(traces), 12)
            self.assertGreaterEqual(traces[large_id]["spanCount"], 20000)
            self.assertEqual(traces[failed_id]["services"], ["checkout", "inventory", "payments", "web-frontend"])
            self.assertEqual([t["traceId"] for t in cli_json(server.db, "traces", "--errors")], [failed_id])
            spans = spans_by_name(server.trace(failed_id))
            exception = next(e for e in spans["PaymentService/Charge"]["events"] if e["name"] == "exception")
            self.assertIn("at shop.payments.Gateway.charge(Gateway.java:118)",
                          attrs(exception)["exception.stacktrace"][1])
            python_exception = next(e for e in spans["process_payment"]["events"] if e["name"] == "exception")
            self.assertIn('File "/srv/checkout/app/payments.py", line 41, in charge',
                          attrs(python_exception)["exception.stacktrace"][1])
            # The order history page holds the planted N+1 and sequential calls, and nothing else
            # in the demo is flagged.
            history = next(t["traceId"] for t in traces.values() if t["rootName"] == "GET /orders/history")
            found = cli_json(server.db, "insights")
            self.assertEqual(sorted((f["kind"], f["traceId"]) for f in found),
                             [("n_plus_one_db", history), ("sequential_calls", history)])
            n_plus_one = next(f for f in found if f["kind"] == "n_plus_one_db")
            self.assertEqual(n_plus_one["count"], 12)
            self.assertEqual(len(n_plus_one["spanIds"]), 12)
            self.assertEqual(n_plus_one["pattern"], "SELECT order_lines.sku, order_lines.qty FROM order_lines "
                                                    "WHERE order_lines.order_id = ?")
            self.assertEqual(n_plus_one["totalDurationNs"], "36000000")
            self.assertEqual(cli_json(server.db, "insights", failed_id), [])
            self.assertEqual(run_cli(server.db, "insights", "--fail-on", "n_plus_one_db", check=False).returncode, 3)
            self.assertEqual(run_cli(server.db, "insights", "--fail-on", "slow_query").returncode, 0)
            # The failed checkout against the checkout before it: the same shape and time, the
            # confirmation never sent, the charge failing.
            compared = cli_json(server.db, "compare", failed_id)
            self.assertEqual(compared["traceB"], failed_id)
            self.assertEqual(traces[compared["traceA"]]["rootName"], "POST /checkout")
            self.assertEqual(compared["change"], "same")
            nodes = {node["path"][-1]: node for node in compared["nodes"]}
            self.assertEqual(nodes["checkout/send_confirmation"]["change"], "removed")
            self.assertEqual(nodes["checkout/send_confirmation"]["countB"], 0)
            charge = nodes["payments/PaymentService/Charge"]
            self.assertEqual((charge["errorsA"], charge["errorsB"]), (0, 1))
            self.assertEqual(charge["path"][:2], ["web-frontend/POST /checkout", "web-frontend/POST"])
            self.assertEqual(cli_json(server.db, "compare", compared["traceA"], failed_id), compared)
            self.assertEqual(run_cli(server.db, "compare", "0" * 32, failed_id, check=False).returncode, 1)
            stats = cli_json(server.db, "show", history, "--stats")
            self.assertEqual(stats[0]["operation"], "GET")  # the three sequential calls: most self time
            self.assertEqual(stats[0]["count"], 3)
            # The e-mail worker's trace links to the confirmation message of an order.
            worker = next(t for t in traces.values() if t["rootService"] == "notifications")
            consume = spans_by_name(server.trace(worker["traceId"]))["order-emails process"]
            self.assertEqual(len(consume["links"]), 1)
            self.assertIn(consume["links"][0]["traceId"], traces)
            logs = server.logs("--trace", failed_id)
            records = [r for rl in logs["resourceLogs"] for sl in rl["scopeLogs"] for r in sl["logRecords"]]
            self.assertEqual(len(records), 3)
            error = next(r for r in records if r["severityNumber"] == 17)
            self.assertEqual(error["spanId"], spans["PaymentService/Charge"]["spanId"])

        refused = subprocess.run([SPANSCOPE, "demo", "--grpc", "127.0.0.1:1"], capture_output=True, text=True, timeout=120)
        self.assertEqual(refused.returncode, 1)
        self.assertIn("Is Spanscope running", refused.stderr)

    def test_queries_and_filters(self):
        with SpanscopeServer() as server:
            t1, t2 = "11" * 16, "22" * 16
            post_json(server, trace_body(t1, "checkout", [
                {"traceId": t1, "spanId": "a1" * 8, "name": "POST /pay", "startTimeUnixNano": "1000000000",
                 "endTimeUnixNano": "1500000000", "status": {"code": 2, "message": "declined"},
                 "attributes": [{"key": "http.route", "value": {"stringValue": "/pay"}}]}]))
            # The child arrives first; the root comes later in another request.
            post_json(server, trace_body(t2, "catalog", [
                {"traceId": t2, "spanId": "b2" * 8, "parentSpanId": "b1" * 8, "name": "SELECT",
                 "startTimeUnixNano": "2000000000", "endTimeUnixNano": "2001000000"}]))
            listed = cli_json(server.db, "traces")
            self.assertFalse(next(t for t in listed if t["traceId"] == t2)["rootReceived"])
            post_json(server, trace_body(t2, "catalog", [
                {"traceId": t2, "spanId": "b1" * 8, "name": "GET /items", "startTimeUnixNano": "1999000000",
                 "endTimeUnixNano": "2003000000",
                 "attributes": [{"key": "http.route", "value": {"stringValue": "/items"}}]}]))

            ids = lambda *args: [t["traceId"] for t in cli_json(server.db, "traces", *args)]
            self.assertEqual(ids(), [t2, t1])  # newest first
            self.assertEqual(ids("--service", "checkout"), [t1])
            self.assertEqual(ids("--errors"), [t1])
            self.assertEqual(ids("--name", "SELECT"), [t2])
            self.assertEqual(ids("--min-duration", "100ms"), [t1])
            self.assertEqual(ids("--max-duration", "10ms"), [t2])
            self.assertEqual(ids("--attr", "http.route=/items"), [t2])
            self.assertEqual(ids("--attr", "service.name=catalog"), [t2])
            self.assertEqual(ids("--attr", "http.route=/items AND service.name!=checkout"), [t2])
            self.assertEqual(ids("--attr", "http.route=/items", "--attr", "service.name=checkout"), [])
            refused = run_cli(server.db, "traces", "--attr", "http.route>fast", check=False)
            self.assertNotEqual(refused.returncode, 0)
            self.assertIn("needs a number", refused.stderr)
            self.assertEqual(ids("--trace-id", t1), [t1])
            self.assertEqual(ids("--limit", "1"), [t2])
            root = next(t for t in cli_json(server.db, "traces") if t["traceId"] == t2)
            self.assertEqual((root["rootName"], root["rootReceived"], root["spanCount"]), ("GET /items", True, 2))
            self.assertEqual(root["durationNanos"], "4000000")

            text = run_cli(server.db, "show", t2).stdout
            self.assertRegex(text, r"\n  \+0 ns +4 ms  GET /items  \[catalog\]\n")
            self.assertRegex(text, r"\n  \+1 ms +1 ms    SELECT  \[catalog\]\n")
            self.assertIn("  spans     2, no errors\n", text)
            missing = run_cli(server.db, "show", "33" * 16, check=False)
            self.assertEqual(missing.returncode, 1)
            self.assertIn("No trace", missing.stderr)


if __name__ == "__main__":
    unittest.main()
