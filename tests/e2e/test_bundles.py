"""Bundles for bug reports: export a trace with its logs (redacted), import it into a fresh
database unchanged, replay its traces.json to any OTLP receiver, read index.html safely, and
import OTLP-JSON files in their three shapes; bad files import nothing."""
import json
import os
import re
import subprocess
import tempfile
import urllib.request
import zipfile

from harness import SPANSCOPE, E2ETestCase, SpanscopeServer, cli_json, run_cli

TRACE = "5b8efff798038103d269b633813fc60c"


def post(url, path, body):
    request = urllib.request.Request(url + path, data=body if isinstance(body, bytes) else json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status


def secret_trace():
    attrs = lambda **kv: [{"key": k.replace("_", "."), "value": {"stringValue": v}} for k, v in kv.items()]
    return {"resourceSpans": [{
        "resource": {"attributes": attrs(service_name="checkout")},
        "scopeSpans": [{"spans": [{
            "traceId": TRACE, "spanId": "eee19b7ec3c1b174", "name": "POST /login", "kind": 2,
            "startTimeUnixNano": "1700000000000000000", "endTimeUnixNano": "1700000000250000000",
            "attributes": attrs(http_request_header_authorization="Bearer sk-live-123456",
                                user_email="ada@example.com", db_password="hunter2",
                                note="<script>alert(1)</script>", http_route="/login"),
            "status": {"code": 2, "message": "login failed for ada@example.com"}}]}]}]}


class BundleTest(E2ETestCase):
    def test_export_redacts_and_imports_back(self):
        with SpanscopeServer() as server, tempfile.TemporaryDirectory() as tmp:
            self.assertEqual(post(server.http_url, "/v1/traces", secret_trace()), 200)
            post(server.http_url, "/v1/logs", {"resourceLogs": [{"resource": {"attributes": [
                {"key": "service.name", "value": {"stringValue": "checkout"}}]}, "scopeLogs": [{"logRecords": [
                {"timeUnixNano": "1700000000100000000", "severityNumber": 17, "traceId": TRACE,
                 "spanId": "eee19b7ec3c1b174", "body": {"stringValue": "token Bearer abc.def for ada@example.com"}}]}]}]})
            bundle = os.path.join(tmp, "login.spanscope")
            result = run_cli(server.db, "export", TRACE, "-o", bundle, "--note", "login fails")
            self.assertIn("1 traces, 1 spans, 1 log records", result.stdout)

            with zipfile.ZipFile(bundle) as z:  # the standard reader
                self.assertEqual(sorted(z.namelist()), ["index.html", "logs.json", "manifest.json", "traces.json"])
                everything = b"".join(z.read(n) for n in z.namelist()).decode()
                manifest = json.loads(z.read("manifest.json"))
                html = z.read("index.html").decode()
                traces_json = z.read("traces.json")
            for secret in ("sk-live-123456", "ada@example.com", "hunter2", "abc.def"):
                self.assertNotIn(secret, everything)
            self.assertEqual(manifest["note"], "login fails")
            self.assertIn("authorization", manifest["redaction"]["keys"])
            self.assertGreaterEqual(manifest["redaction"]["masked"]["authorization"], 1)
            self.assertEqual(manifest["traces"][0]["traceId"], TRACE)
            # The page shows the span and escapes what could run.
            self.assertIn("POST /login", html)
            self.assertNotIn("<script>", html)
            self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", html)
            self.assertNotRegex(html, r"(src|href)=['\"]?https?:")  # nothing from the network
            # A real browser, offline, renders it: the span, its attribute as text, no script run.
            page = os.path.join(tmp, "index.html")
            with open(page, "w") as f:
                f.write(html)
            dom = subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu",
                                  "--proxy-server=127.0.0.1:9", "--dump-dom", "file://" + page],
                                 capture_output=True, text=True, timeout=120).stdout
            self.assertIn("POST /login", dom)
            self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", dom)
            self.assertNotIn("<script>", dom)
            self.assertIn("[REDACTED]", dom)

            # Into a fresh database: the same trace, as redacted.
            fresh = os.path.join(tmp, "fresh.db")
            result = subprocess.run([SPANSCOPE, "import", bundle, "--db", fresh], capture_output=True, text=True)
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertIn("(bundle): 1 spans, 1 log records", result.stdout)
            original = cli_json(server.db, "show", TRACE)
            imported = cli_json(fresh, "show", TRACE)
            span = imported["resourceSpans"][0]["scopeSpans"][0]["spans"][0]
            values = {a["key"]: a["value"]["stringValue"] for a in span["attributes"]}
            self.assertEqual(values["http.request.header.authorization"], "[REDACTED]")
            self.assertEqual(values["user.email"], "[REDACTED]")
            self.assertEqual(values["http.route"], "/login")
            original_span = original["resourceSpans"][0]["scopeSpans"][0]["spans"][0]
            for key in ("traceId", "spanId", "name", "kind", "startTimeUnixNano", "endTimeUnixNano"):
                self.assertEqual(span[key], original_span[key])
            # Filters instead of ids: every error trace of the service (here, the one).
            by_filter = os.path.join(tmp, "errors.spanscope")
            result = subprocess.run([SPANSCOPE, "export", "--errors", "--service", "checkout", "-o", by_filter,
                                     "--db", server.db], capture_output=True, text=True)
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertIn("1 traces", result.stdout)
            nothing = subprocess.run([SPANSCOPE, "export", "--service", "nobody", "-o", by_filter, "--db", server.db],
                                     capture_output=True, text=True)
            self.assertEqual(nothing.returncode, 1)
            self.assertIn("No stored trace matches", nothing.stderr)
            # Importing again stores no span twice; the trace says where it came from.
            subprocess.run([SPANSCOPE, "import", bundle, "--db", fresh], capture_output=True, text=True)
            self.assertEqual(cli_json(fresh, "traces")[0]["spanCount"], 1)
            self.assertEqual(cli_json(fresh, "traces")[0]["source"], os.path.abspath(bundle))
            self.assertEqual(len(cli_json(fresh, "traces", "--source", bundle)), 1)
            self.assertEqual(cli_json(fresh, "traces", "--source", "/elsewhere.json"), [])

        # traces.json is plain OTLP-JSON: any receiver takes it unchanged.
        with SpanscopeServer() as other:
            self.assertEqual(post(other.http_url, "/v1/traces", traces_json), 200)
            replayed = cli_json(other.db, "show", TRACE)["resourceSpans"][0]["scopeSpans"][0]["spans"][0]
            self.assertEqual(replayed["name"], "POST /login")

    def test_jaeger_and_zipkin_files(self):
        data = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data")
        with tempfile.TemporaryDirectory() as tmp:
            db = os.path.join(tmp, "foreign.db")
            result = subprocess.run([SPANSCOPE, "import", os.path.join(data, "jaeger_trace.json"),
                                     os.path.join(data, "zipkin_spans.json"), "--db", db], capture_output=True, text=True)
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertIn("(Jaeger JSON): 2 spans", result.stdout)
            self.assertIn("(Zipkin v2 JSON): 2 spans", result.stdout)
            traces = {t["rootName"]: t for t in cli_json(db, "traces")}
            jaeger = cli_json(db, "show", traces["HTTP GET /dispatch"]["traceId"])
            self.assertEqual(traces["HTTP GET /dispatch"]["traceId"], "00000000000000003f1a9c2b7d4e5a60")
            self.assertEqual(traces["HTTP GET /dispatch"]["services"], ["frontend", "mysql"])
            spans = {s["name"]: s for rs in jaeger["resourceSpans"] for ss in rs["scopeSpans"] for s in ss["spans"]}
            self.assertEqual(spans["HTTP GET /dispatch"]["kind"], 2)
            self.assertEqual(spans["HTTP GET /dispatch"]["endTimeUnixNano"], "1700000000730000000")
            self.assertEqual(spans["HTTP GET /dispatch"]["events"][0]["name"], "Searching for nearby drivers")
            attributes = {a["key"]: a["value"] for a in spans["HTTP GET /dispatch"]["attributes"]}
            self.assertEqual(attributes["http.status_code"], {"intValue": "200"})
            self.assertEqual(spans["SQL SELECT"]["parentSpanId"], "a1b2c3d4e5f60718")
            self.assertEqual(spans["SQL SELECT"]["status"]["code"], 2)
            zipkin = cli_json(db, "show", traces["get /api"]["traceId"])
            zspans = {s["name"]: s for rs in zipkin["resourceSpans"] for ss in rs["scopeSpans"] for s in ss["spans"]}
            self.assertEqual(zspans["query"]["status"], {"message": "connection reset", "code": 2})
            self.assertIn({"key": "peer.service", "value": {"stringValue": "postgres"}}, zspans["query"]["attributes"])
            self.assertEqual(zspans["get /api"]["events"][0]["name"], "cache miss")

            # Fields of the wrong type (found by fuzz_import): refused naming the span, nothing stored.
            for name, text in (("zipkin-bad.json", '[{"traceId": "5b8efff798038103d269b633813fc60c", "id": "eee19b7ec3c1b174", "name": {"x": 1}}]'),
                               ("jaeger-bad.json", '{"data": [{"spans": [{"traceID": "5b8efff798038103d269b633813fc60c", "spanID": "eee19b7ec3c1b174", "references": [7]}]}]}')):
                path = os.path.join(tmp, name)
                with open(path, "w") as f:
                    f.write(text)
                empty = os.path.join(tmp, name + ".db")
                result = subprocess.run([SPANSCOPE, "import", path, "--db", empty], capture_output=True, text=True)
                self.assertEqual(result.returncode, 1, result.stderr)
                self.assertIn("has a field of the wrong type", result.stderr)
                self.assertEqual(cli_json(empty, "traces"), [])

    def test_otlp_json_files_in_three_shapes_and_bad_files(self):
        with tempfile.TemporaryDirectory() as tmp:
            single = secret_trace()
            line = lambda i: json.dumps({"resourceSpans": [{"resource": {}, "scopeSpans": [{"spans": [{
                "traceId": f"{i:032x}", "spanId": f"{i:016x}", "name": f"job {i}",
                "startTimeUnixNano": "1700000000000000000", "endTimeUnixNano": "1700000001000000000"}]}]}]})
            files = {"single.json": json.dumps(single),
                     "lines.jsonl": "\n".join(line(i) for i in range(1, 4)) + "\n",
                     "array.json": "[" + ",".join(line(i) for i in range(10, 12)) + "]"}
            for name, text in files.items():
                with open(os.path.join(tmp, name), "w") as f:
                    f.write(text)
            db = os.path.join(tmp, "imported.db")
            result = subprocess.run([SPANSCOPE, "import", *[os.path.join(tmp, n) for n in files], "--db", db],
                                    capture_output=True, text=True)
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertIn("(OTLP-JSON lines): 3 spans", result.stdout)
            self.assertIn("(OTLP-JSON array): 2 spans", result.stdout)
            self.assertEqual(len(cli_json(db, "traces")), 6)

            # A bad line in the middle: the error names it, and nothing of that file is stored.
            bad = os.path.join(tmp, "bad.jsonl")
            with open(bad, "w") as f:
                f.write(line(20) + "\n" + '{"resourceSpans": [{"scopeSpans": [{"spans": [{"traceId": 5}]}]}]}' + "\n")
            empty = os.path.join(tmp, "empty.db")
            result = subprocess.run([SPANSCOPE, "import", bad, "--db", empty], capture_output=True, text=True)
            self.assertEqual(result.returncode, 1)
            self.assertIn("bad.jsonl line 2", result.stderr)
            self.assertEqual(cli_json(empty, "traces"), [])
            deep = os.path.join(tmp, "deep.json")
            with open(deep, "w") as f:
                f.write('{"resourceSpans": ' + "[" * 200000 + "]" * 200000 + "}")
            result = subprocess.run([SPANSCOPE, "import", deep, "--db", empty], capture_output=True, text=True)
            self.assertEqual(result.returncode, 1)
            self.assertIn("nests JSON deeper", result.stderr)
            hostile = os.path.join(tmp, "evil.spanscope")
            with zipfile.ZipFile(hostile, "w") as z:
                z.writestr("../traces.json", "{}")
            result = subprocess.run([SPANSCOPE, "import", hostile, "--db", empty], capture_output=True, text=True)
            self.assertEqual(result.returncode, 1)
            self.assertIn("outside the bundle", result.stderr)
