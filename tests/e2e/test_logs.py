"""Linked logs end to end: a Python service's structlog JSON lines piped into
`spanscope logs ingest -`, and its OTLP logs through the SDK's LoggingHandler, land under the spans
that wrote them, in one trace."""
import json
import os
import subprocess
import sys
import tempfile
import time

from harness import HERE, SPANSCOPE, E2ETestCase, SpanscopeServer, cli_json


def records(logs_data):
    return [r for rl in logs_data.get("resourceLogs", []) for sl in rl["scopeLogs"] for r in sl["logRecords"]]


def body(record):
    return record.get("body", {}).get("stringValue", "")


class LinkedLogsTest(E2ETestCase):
    def test_structlog_lines_and_otlp_logs_land_under_their_spans(self):
        with SpanscopeServer() as server:
            with subprocess.Popen([sys.executable, "structlog_app.py", "--endpoint", server.grpc_url],
                                  cwd=HERE, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as app:
                ingest = subprocess.run([SPANSCOPE, "logs", "ingest", "-", "--grpc", server.grpc, "--service", "orders"],
                                        stdin=app.stdout, capture_output=True, text=True, timeout=120)
                app_err = app.stderr.read().decode()
            self.assertEqual(app.wait(timeout=60), 0, app_err)
            self.assertEqual(ingest.returncode, 0, ingest.stderr)
            self.assertIn("Read 4 log lines (4 JSON, 3 linked to a trace)", ingest.stdout)
            ids = json.loads(app_err.strip().splitlines()[-1])

            by_body = {body(r): r for r in records(server.logs("--trace", ids["trace_id"]))}
            expected = {
                "processing order": "process_order",
                "card expires soon": "charge_card",
                "charging card for order 1042": "charge_card",  # OTLP, from the LoggingHandler
                "confirmation queued": "send_confirmation",
            }
            self.assertEqual(set(by_body), set(expected))
            for text, span in expected.items():
                self.assertEqual(by_body[text]["traceId"], ids["trace_id"], text)
                self.assertEqual(by_body[text]["spanId"], ids[span], text)
            # Keys other than the message and ids stay as attributes, typed.
            attributes = {kv["key"]: kv["value"] for kv in by_body["processing order"]["attributes"]}
            self.assertEqual(attributes["order_id"], {"intValue": "1042"})
            self.assertEqual(attributes["items"], {"intValue": "3"})
            # The line written outside any span is stored too, just not linked.
            unlinked = [r for r in records(server.logs("--grep", "service starting")) if "traceId" not in r]
            self.assertEqual(len(unlinked), 1)
            # The trace's summary counts all four records.
            traces = cli_json(server.db, "traces", "--trace-id", ids["trace_id"])
            self.assertEqual(traces[0]["logCount"], 4)

    def test_lines_without_time_or_service_take_them_from_their_spans(self):
        # The guide's structlog chain writes neither a time nor a service: piped in without
        # --service, a linked line is filed under its span's service and placed at the span's
        # end, even though the spans arrive after the lines (the SDK exports at shutdown).
        with SpanscopeServer() as server:
            with subprocess.Popen([sys.executable, "structlog_app.py", "--endpoint", server.grpc_url],
                                  cwd=HERE, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as app:
                ingest = subprocess.run([SPANSCOPE, "logs", "ingest", "-", "--grpc", server.grpc],
                                        stdin=app.stdout, capture_output=True, text=True, timeout=120)
                app_err = app.stderr.read().decode()
            self.assertEqual(app.wait(timeout=60), 0, app_err)
            self.assertEqual(ingest.returncode, 0, ingest.stderr)
            ids = json.loads(app_err.strip().splitlines()[-1])
            spans = {s["spanId"]: s for rs in server.trace(ids["trace_id"])["resourceSpans"]
                     for ss in rs["scopeSpans"] for s in ss["spans"]}
            logs = server.logs("--trace", ids["trace_id"])
            for rl in logs["resourceLogs"]:
                service = next(kv["value"]["stringValue"] for kv in rl["resource"]["attributes"]
                               if kv["key"] == "service.name")
                self.assertEqual(service, "orders")  # not "stdin"
                for record in (r for sl in rl["scopeLogs"] for r in sl["logRecords"]):
                    if body(record) == "charging card for order 1042":
                        continue  # the OTLP record has its own time
                    self.assertEqual(record["timeUnixNano"], spans[record["spanId"]]["endTimeUnixNano"],
                                     body(record))
            text = subprocess.run([SPANSCOPE, "logs", "--db", server.db, "--trace", ids["trace_id"]],
                                  capture_output=True, text=True, check=True).stdout
            self.assertIn("card expires soon  (time estimated)", text)
            # Outside any span the line keeps the name it was given and the time it was read.
            unlinked = subprocess.run([SPANSCOPE, "logs", "--db", server.db, "--grep", "service starting"],
                                      capture_output=True, text=True, check=True).stdout
            self.assertIn("[stdin]  service starting", unlinked)

    def test_follow_picks_up_appended_lines_and_db_mode_writes_directly(self):
        with tempfile.TemporaryDirectory() as tmp:
            db = os.path.join(tmp, "logs.db")
            path = os.path.join(tmp, "app.log")
            with open(path, "w") as f:
                f.write('{"msg":"first","level":"info"}\n')
            follower = subprocess.Popen([SPANSCOPE, "logs", "ingest", path, "--follow", "--db", db],
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            try:
                time.sleep(0.5)
                with open(path, "a") as f:
                    f.write('{"msg":"second","level":"warn","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736"}\n')
                    f.write("a plain line, half written")
                    f.flush()
                    time.sleep(0.5)
                    f.write(" and finished\n")
                deadline = time.time() + 10
                while time.time() < deadline:
                    found = subprocess.run([SPANSCOPE, "logs", "--db", db, "--json"], capture_output=True, text=True)
                    if found.returncode == 0 and len(records(json.loads(found.stdout))) == 3:
                        break
                    time.sleep(0.2)
            finally:
                follower.terminate()
                out, err = follower.communicate(timeout=30)
            self.assertEqual(follower.returncode, 0, err)
            self.assertIn("Read 3 log lines (2 JSON, 1 linked to a trace)", out)
            stored = {body(r): r for r in records(json.loads(subprocess.run(
                [SPANSCOPE, "logs", "--db", db, "--json"], capture_output=True, text=True).stdout))}
            self.assertEqual(set(stored), {"first", "second", "a plain line, half written and finished"})
            self.assertEqual(stored["second"]["severityNumber"], 13)
            resource = json.loads(subprocess.run([SPANSCOPE, "logs", "--db", db, "--json"], capture_output=True,
                                                 text=True).stdout)["resourceLogs"][0]["resource"]
            self.assertIn({"key": "service.name", "value": {"stringValue": "app"}}, resource["attributes"])

    def test_bad_input(self):
        with tempfile.TemporaryDirectory() as tmp:
            missing = subprocess.run([SPANSCOPE, "logs", "ingest", "/nonexistent/x.log", "--db",
                                      os.path.join(tmp, "x.db")], capture_output=True, text=True)
        self.assertEqual(missing.returncode, 1)
        self.assertIn("Cannot read /nonexistent/x.log", missing.stderr)
        usage = subprocess.run([SPANSCOPE, "logs", "ingest"], capture_output=True, text=True)
        self.assertEqual(usage.returncode, 2)
        refused = subprocess.run([SPANSCOPE, "logs", "ingest", "-", "--grpc", "127.0.0.1:1"], input='{"msg":"x"}\n',
                                 capture_output=True, text=True, timeout=120)
        self.assertEqual(refused.returncode, 1)
        self.assertIn("Is Spanscope running", refused.stderr)
