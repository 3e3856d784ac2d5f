"""Starts a real `spanscope serve` on free ports and reads what it stored through the CLI."""
import json
import os
import re
import signal
import subprocess
import tempfile
import time
import unittest

SPANSCOPE = os.environ.get("SPANSCOPE_BIN", "spanscope")
HERE = os.path.dirname(os.path.abspath(__file__))
# The settings of whoever runs the tests (thresholds, ignored insights) must not change what
# they see: every spanscope started here reads an empty configuration of its own.
_CONFIG = tempfile.TemporaryDirectory(prefix="spanscope-e2e-config-")
os.environ["XDG_CONFIG_HOME"] = _CONFIG.name


def run_cli(db, *args, check=True):
    result = subprocess.run([SPANSCOPE, *args, "--db", db], capture_output=True, text=True, timeout=60)
    if check and result.returncode != 0:
        raise AssertionError(f"spanscope {' '.join(args)} failed ({result.returncode}): {result.stderr}")
    return result


def cli_json(db, *args):
    return json.loads(run_cli(db, *args, "--json").stdout)


class SpanscopeServer:
    """`spanscope serve` in a temporary directory, on ports the system picks."""

    def __init__(self, *extra_args, db=None):
        self.tmp = tempfile.TemporaryDirectory(prefix="spanscope-e2e-")
        self.db = db or os.path.join(self.tmp.name, "spans.db")
        self.extra_args = list(extra_args)
        self.process = None

    def __enter__(self):
        self.process = subprocess.Popen(
            [SPANSCOPE, "serve", "--db", self.db, "--grpc", "127.0.0.1:0", "--http", "127.0.0.1:0",
             "--sampling-http", "127.0.0.1:0", "--sampling-grpc", "127.0.0.1:0", *self.extra_args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        lines = []
        while not lines or lines[-1] != "Ready.\n":
            line = self.process.stdout.readline()
            if not line:
                raise AssertionError("spanscope serve exited early: " + self.process.stderr.read())
            lines.append(line)
        text = "".join(lines)
        self.grpc = re.search(r"OTLP/gRPC\s+(\S+)", text).group(1)
        self.http = re.search(r"OTLP/HTTP\s+(\S+)", text).group(1)
        self.sampling_http = re.search(r"remote sampling \(HTTP\)\s+(\S+)", text).group(1)
        self.sampling_grpc = re.search(r"remote sampling \(gRPC\)\s+(\S+)", text).group(1)
        mcp = re.search(r"MCP \(HTTP\)\s+(\S+)", text)
        self.mcp = mcp.group(1) if mcp else None
        return self

    def __exit__(self, *exc):
        self.stop()
        self.tmp.cleanup()

    def stop(self):
        """SIGTERM, as a service manager would; the server must commit and exit 0."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            out, err = self.process.communicate(timeout=30)
            if self.process.returncode != 0:
                raise AssertionError(f"serve exited with {self.process.returncode}: {err}")
        return self.process.returncode

    @property
    def grpc_url(self):
        return "http://" + self.grpc

    @property
    def http_url(self):
        return "http://" + self.http

    def trace(self, trace_id):
        """The stored trace as OTLP-JSON (TracesData), via `spanscope show --json`."""
        return cli_json(self.db, "show", trace_id)

    def logs(self, *args):
        return cli_json(self.db, "logs", *args)

    def counters(self):
        return cli_json(self.db, "stats")["counters"]

    def wait_for_counter(self, name, at_least, timeout=10):
        """Counters are committed with the next batch or within two seconds."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            value = self.counters().get(name, 0)
            if value >= at_least:
                return value
            time.sleep(0.2)
        raise AssertionError(f"counter {name} did not reach {at_least}: {self.counters()}")


# A sanitizer build holds freed memory in quarantine on purpose: memory bounds hold only without.
SANITIZED = bool(os.environ.get("SPANSCOPE_SANITIZED"))


def rss_mib(pid, key):
    """VmRSS (now) or VmHWM (the peak) of a process, in MiB, from /proc."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no " + key)


def spans_by_name(traces_data):
    out = {}
    for rs in traces_data["resourceSpans"]:
        resource = {kv["key"]: kv["value"] for kv in rs["resource"].get("attributes", [])}
        for ss in rs["scopeSpans"]:
            for span in ss["spans"]:
                out[span["name"]] = {**span, "_resource": resource, "_scope": ss.get("scope", {})}
    return out


def attrs(item):
    """{key: (type, value)} of an OTLP-JSON attribute list."""
    out = {}
    for kv in item.get("attributes", []):
        (kind, value), = kv["value"].items()
        out[kv["key"]] = (kind, value)
    return out


def run_client(args, timeout=120):
    result = subprocess.run(args, capture_output=True, text=True, timeout=timeout, cwd=HERE)
    if result.returncode != 0:
        raise AssertionError(f"{args[0]} failed: {result.stderr}\n{result.stdout}")
    return json.loads(result.stdout.strip().splitlines()[-1])


class E2ETestCase(unittest.TestCase):
    maxDiff = None
