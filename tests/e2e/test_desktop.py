"""The desktop launch: a second `spanscope FILE` on the database a window already runs hands the
file to that window (as double-clicking a bundle does), and nothing else may write there."""
import json
import os
import re
import socket
import subprocess
import tempfile
import time

from harness import SPANSCOPE, E2ETestCase, cli_json


def one_span_file(path, trace_id, name):
    with open(path, "w") as f:
        json.dump({"resourceSpans": [{"resource": {"attributes": [
            {"key": "service.name", "value": {"stringValue": "handed-off"}}]},
            "scopeSpans": [{"spans": [{"traceId": trace_id, "spanId": "00000000000000a1", "name": name,
                                        "startTimeUnixNano": "1700000000000000000",
                                        "endTimeUnixNano": "1700000000500000000"}]}]}]}, f)


class DesktopLaunchTest(E2ETestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="spanscope-desktop-")
        self.db = os.path.join(self.tmp.name, "spans.db")
        self.env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
                    "XDG_CONFIG_HOME": os.path.join(self.tmp.name, "config")}
        self.window = None

    def tearDown(self):
        if self.window and self.window.poll() is None:
            self.window.terminate()
            self.window.communicate(timeout=30)
        self.tmp.cleanup()

    def launch(self, *args):
        return subprocess.run([SPANSCOPE, *args, "--db", self.db], capture_output=True, text=True,
                              timeout=60, env=self.env)

    def start_window(self, *files, receivers=("--db", "DB", "--grpc", "127.0.0.1:0", "--http", "127.0.0.1:0")):
        receivers = [self.db if arg == "DB" else arg for arg in receivers]
        self.window = subprocess.Popen(
            [SPANSCOPE, *files, *receivers, "--sampling-http", "off", "--sampling-grpc", "off"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=self.env)
        text = ""
        while not text.endswith("Ready.\n"):
            line = self.window.stdout.readline()
            if not line:
                self.fail("the window exited early: " + self.window.stderr.read())
            text += line
        return text

    def wait_for_traces(self, count, timeout=20):
        deadline = time.time() + timeout
        while time.time() < deadline:
            traces = cli_json(self.db, "traces")
            if len(traces) >= count:
                return traces
            time.sleep(0.2)
        self.fail(f"fewer than {count} traces stored: {cli_json(self.db, 'traces')}")

    def test_second_launch_hands_files_to_the_running_window(self):
        first = os.path.join(self.tmp.name, "first.json")
        second = os.path.join(self.tmp.name, "second.json")
        one_span_file(first, "0af7651916cd43dd8448eb211c80319c", "opened at launch")
        one_span_file(second, "1bf7651916cd43dd8448eb211c80319d", "handed off")
        self.start_window(first)
        self.wait_for_traces(1)

        # As a file manager does on double-click: the same program, the file, no other options.
        result = self.launch(second)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("already running on this database", result.stdout)
        self.assertIn("open 1 file.", result.stdout)
        names = {t["rootName"] for t in self.wait_for_traces(2)}
        self.assertEqual(names, {"opened at launch", "handed off"})
        self.assertIsNone(self.window.poll(), "the first window must keep running")

        # A bare second launch only brings the window forward.
        result = self.launch()
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("asked to show itself.", result.stdout)

        # A headless server cannot take the window's database.
        result = subprocess.run([SPANSCOPE, "serve", "--db", self.db, "--grpc", "127.0.0.1:0",
                                 "--http", "127.0.0.1:0", "--sampling-http", "off", "--sampling-grpc", "off"],
                                capture_output=True, text=True, timeout=30)
        self.assertEqual(result.returncode, 1)
        self.assertIn("is in use by another Spanscope", result.stderr)

    def test_sigterm_stops_the_window_in_order(self):
        # As a session manager ends it: the receivers stop, what was answered is committed, the
        # window exits 0 (it was killed with 143 before), and the database is free again.
        text = self.start_window()
        http = re.search(r"OTLP/HTTP\s+(\S+)", text).group(1)
        import urllib.request
        body = json.dumps({"resourceSpans": [{"scopeSpans": [{"spans": [{
            "traceId": "3df7651916cd43dd8448eb211c80319f", "spanId": "00000000000000b2", "name": "before the signal",
            "startTimeUnixNano": "1700000000000000000", "endTimeUnixNano": "1700000000500000000"}]}]}]}).encode()
        request = urllib.request.Request("http://" + http + "/v1/traces", data=body, method="POST",
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            self.assertEqual(response.status, 200)
        self.window.terminate()
        self.window.communicate(timeout=30)
        self.assertEqual(self.window.returncode, 0)
        self.assertEqual([t["rootName"] for t in cli_json(self.db, "traces")], ["before the signal"])
        result = subprocess.run([SPANSCOPE, "import", os.devnull, "--db", self.db], capture_output=True,
                                text=True, timeout=30)
        self.assertNotIn("in use by another Spanscope", result.stderr)

    def test_a_window_on_another_database_is_independent(self):
        self.start_window()
        other_db = os.path.join(self.tmp.name, "other.db")
        path = os.path.join(self.tmp.name, "file.json")
        one_span_file(path, "2cf7651916cd43dd8448eb211c80319e", "elsewhere")
        result = subprocess.run([SPANSCOPE, "import", path, "--db", other_db], capture_output=True,
                                text=True, timeout=60)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(cli_json(self.db, "traces"), [])
        self.assertEqual(len(cli_json(other_db, "traces")), 1)

    def test_the_window_starts_with_the_saved_settings(self):
        """What the Settings dialog saved is what the next launch listens on and stores in;
        options on the command line win for that launch."""
        ports = []
        for _ in range(2):
            with socket.socket() as probe:
                probe.bind(("127.0.0.1", 0))
                ports.append(probe.getsockname()[1])
        settings_db = os.path.join(self.tmp.name, "from settings.db")
        config = os.path.join(self.env["XDG_CONFIG_HOME"], "Spanscope")
        os.makedirs(config)
        with open(os.path.join(config, "spanscope.conf"), "w") as f:
            f.write("[receivers]\n"
                    f"grpc=127.0.0.1:{ports[0]}\n"
                    f"http=127.0.0.1:{ports[1]}\n"
                    "[storage]\n"
                    f"database={settings_db}\n"
                    "retentionBytes=104857600\n")
        text = self.start_window(receivers=())
        self.assertIn(f"OTLP/gRPC  127.0.0.1:{ports[0]}", text)
        self.assertIn(f"OTLP/HTTP  127.0.0.1:{ports[1]}", text)
        self.assertIn(f"database   {settings_db}", text)
        self.window.terminate()
        self.window.communicate(timeout=30)

        text = self.start_window(receivers=("--grpc", "127.0.0.1:0", "--http", "127.0.0.1:0"))
        self.assertNotIn(f"127.0.0.1:{ports[0]}", text)
        self.assertIn(f"database   {settings_db}", text)

    def test_saved_settings_that_cannot_be_used_are_ignored_with_a_warning(self):
        config = os.path.join(self.env["XDG_CONFIG_HOME"], "Spanscope")
        os.makedirs(config)
        with open(os.path.join(config, "spanscope.conf"), "w") as f:
            f.write("[receivers]\ngrpc=0.0.0.0:4317\n")
        self.start_window()
        self.window.terminate()
        _, err = self.window.communicate(timeout=30)
        self.assertIn("the saved settings are not used: Listening beyond this machine needs a bearer token", err)
