#!/usr/bin/env python3
"""Peak memory of the CLI on one huge trace.

Writes one OTLP-JSON object holding a single trace of N spans (one resource, one scope, spans
nested ten deep, each with a few attributes and every hundredth with an exception event), then
runs `import`, `show`, `show -v`, `show --json` and `export` on it, each as its own process, and
prints each one's peak resident memory (from wait4) and wall time.

    tests/bench/big_trace_memory.py [--spans N] [path/to/spanscope]
"""

import argparse
import json
import os
import pathlib
import subprocess
import tempfile
import time


def write_trace(path: pathlib.Path, spans: int) -> None:
    trace_id = "5b8efff798038103d269b633813fc60c"
    start = 1_700_000_000_000_000_000
    with path.open("w") as out:
        out.write('{"resourceSpans": [{"resource": {"attributes": [{"key": "service.name", '
                  '"value": {"stringValue": "big"}}]}, "scopeSpans": [{"scope": {"name": '
                  '"bench"}, "spans": [')
        for i in range(spans):
            span = {
                "traceId": trace_id,
                "spanId": f"{i + 1:016x}",
                "name": f"operation {i % 50}",
                "kind": 1 + i % 3,
                "startTimeUnixNano": str(start + i * 1000),
                "endTimeUnixNano": str(start + i * 1000 + 500),
                "attributes": [
                    {"key": "http.route", "value": {"stringValue": f"/items/{i % 1000}"}},
                    {"key": "db.statement",
                     "value": {"stringValue": "SELECT * FROM items WHERE id = ?"}},
                    {"key": "item.index", "value": {"intValue": str(i)}},
                ],
            }
            if i % 10:
                span["parentSpanId"] = f"{i:016x}"
            if i % 100 == 99:
                span["status"] = {"code": 2, "message": "failed"}
                span["events"] = [{"name": "exception", "timeUnixNano": str(start + i * 1000),
                                   "attributes": [{"key": "exception.type",
                                                   "value": {"stringValue": "ValueError"}}]}]
            out.write(("," if i else "") + json.dumps(span, separators=(",", ":")))
        out.write("]}]}]}\n")


def measure(label: str, command: list, env: dict) -> None:
    began = time.monotonic()
    with open(os.devnull, "wb") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.PIPE, env=env)
        _, status, usage = os.wait4(process.pid, 0)
    seconds = time.monotonic() - began
    code = os.waitstatus_to_exitcode(status)
    error = process.stderr.read().decode(errors="replace").strip()
    note = "" if code == 0 else f"  (exit {code}: {error[-200:]})"
    print(f"{label:<14} peak {usage.ru_maxrss / 1024:8.0f} MiB  {seconds:6.1f} s{note}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--spans", type=int, default=1_000_000)
    parser.add_argument("spanscope", nargs="?", default="build/app/spanscope")
    args = parser.parse_args()
    binary = str(pathlib.Path(args.spanscope).resolve())
    with tempfile.TemporaryDirectory() as directory:
        folder = pathlib.Path(directory)
        source = folder / "trace.json"
        write_trace(source, args.spans)
        print(f"one trace of {args.spans} spans: {source.stat().st_size / 2**20:.0f} MiB of "
              "OTLP-JSON in one object")
        env = dict(os.environ, XDG_CONFIG_HOME=str(folder / "config"))
        db = ["--db", str(folder / "big.db")]
        trace = "5b8efff798038103d269b633813fc60c"
        measure("import", [binary, "import", str(source), *db], env)
        measure("show", [binary, "show", trace, *db], env)
        measure("show -v", [binary, "show", "-v", trace, *db], env)
        measure("show --json", [binary, "show", "--json", trace, *db], env)
        measure("export", [binary, "export", trace, "-o", str(folder / "big.spanscope"), *db],
                env)
        bundle = folder / "big.spanscope"
        if bundle.exists():
            print(f"{'':<14} bundle {bundle.stat().st_size / 2**20:.0f} MiB")
            measure("import bundle", [binary, "import", str(bundle), "--db",
                                      str(folder / "again.db")], env)


if __name__ == "__main__":
    main()
