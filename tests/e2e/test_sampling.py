"""Receiver-side sampling with real SDK traffic: `spanscope serve --sampling FILE` keeps exactly the
traces the Python SDK's TraceIdRatioBased would keep (low-64-bit mode), whole across two services,
drops health checks by rule, and counts what it dropped."""
import json
import os
import subprocess
import sys
import tempfile
import time

from harness import HERE, SPANSCOPE, E2ETestCase, SpanscopeServer, cli_json, run_client


class SamplingTest(E2ETestCase):
    def test_ratio_mirrors_the_python_sdk_and_drop_rules_hold(self):
        with tempfile.TemporaryDirectory() as tmp:
            policy = os.path.join(tmp, "sampling.json")
            with open(policy, "w") as f:
                json.dump({"ratio": 0.25, "algorithm": "low64",
                           "dropRules": [{"field": "attribute", "key": "http.route", "value": "/healthz"}]}, f)
            with SpanscopeServer("--sampling", policy) as server:
                sent = run_client([sys.executable, "sampled_traces.py", "--endpoint", server.grpc_url,
                                   "--ratio", "0.25", "--traces", "400"])
                expected = set(sent["sdk_would_keep"]) - set(sent["healthz"])
                stored = {t["traceId"]: t for t in cli_json(server.db, "traces", "--limit", "1000")}
                self.assertEqual(set(stored), expected)
                self.assertGreater(len(expected), 60)  # about a quarter of 360
                self.assertLess(len(expected), 120)
                for trace in stored.values():  # whole: both services, all three spans
                    self.assertEqual(trace["spanCount"], 3)
                    self.assertEqual(trace["services"], ["backend", "frontend"])
                dropped_spans = 3 * (len(sent["all"]) - len(expected))
                self.assertEqual(server.wait_for_counter("spans.sampled_out", dropped_spans), dropped_spans)

    def test_a_node_sdk_follows_the_remote_probabilities(self):
        """The JS SDK's JaegerRemoteSampler polls /sampling and samples as told: 20 % of the
        service's operations, and none of its health checks (a per-operation probability)."""
        with tempfile.TemporaryDirectory() as tmp:
            policy = os.path.join(tmp, "sampling.json")
            with open(policy, "w") as f:
                json.dump({"remote": {"defaultProbability": 1,
                                      "services": {"web": {"probability": 0.2,
                                                           "operations": {"GET /healthz": 0}}}}}, f)
            with SpanscopeServer("--sampling", policy) as server:
                sampled = run_client(["node", "node/remote_sampling.cjs", "--otlp", server.http_url,
                                      "--sampling", "http://" + server.sampling_http, "--count", "500"])
                self.assertEqual(sampled["healthz"], 0)
                self.assertGreater(sampled["orders"], 50)   # binomial(500, 0.2): 100 +- 9
                self.assertLess(sampled["orders"], 150)
                stored = cli_json(server.db, "traces", "--limit", "1000")
                self.assertEqual(len(stored), sampled["orders"])
                self.assertEqual({t["rootName"] for t in stored}, {"GET /orders"})

    def test_an_sdk_follows_a_policy_changed_while_running(self):
        """serve re-reads its policy file: an SDK polling for its strategy samples everything,
        then a tenth once the file says so, without a restart."""
        with tempfile.TemporaryDirectory() as tmp:
            policy = os.path.join(tmp, "sampling.json")
            with open(policy, "w") as f:
                json.dump({"remote": {"services": {"web": {"probability": 1}}}}, f)
            with SpanscopeServer("--sampling", policy) as server:
                node = subprocess.Popen(["node", "node/remote_sampling.cjs", "--otlp", server.http_url,
                                         "--sampling", "http://" + server.sampling_http, "--count", "400",
                                         "--rounds", "2"],
                                        cwd=HERE, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
                try:
                    first = json.loads(node.stdout.readline())
                    self.assertEqual(first["orders"], 400)
                    with open(policy + ".new", "w") as f:
                        json.dump({"remote": {"services": {"web": {"probability": 0.1}}}}, f)
                    os.replace(policy + ".new", policy)  # as an editor saves
                    time.sleep(1.0)  # the server notices within 250 ms
                    node.stdin.write("next\n")
                    node.stdin.flush()
                    second = json.loads(node.stdout.readline())
                    self.assertGreater(second["orders"], 15)  # binomial(400, 0.1): 40 +- 6
                    self.assertLess(second["orders"], 75)
                    self.assertEqual(node.wait(timeout=60), 0)
                finally:
                    if node.poll() is None:
                        node.kill()

    def test_bad_policy_files_are_refused_with_the_reason(self):
        with tempfile.TemporaryDirectory() as tmp:
            policy = os.path.join(tmp, "bad.json")
            with open(policy, "w") as f:
                f.write('{"ratio": 1.5}')
            result = subprocess.run([SPANSCOPE, "serve", "--db", os.path.join(tmp, "x.db"), "--sampling", policy,
                                     "--grpc", "127.0.0.1:0", "--http", "127.0.0.1:0"],
                                    capture_output=True, text=True, timeout=30)
            self.assertEqual(result.returncode, 2)
            self.assertIn("ratio must be a number from 0 to 1", result.stderr)
            missing = subprocess.run([SPANSCOPE, "serve", "--sampling", os.path.join(tmp, "none.json")],
                                     capture_output=True, text=True, timeout=30)
            self.assertEqual(missing.returncode, 2)
            self.assertIn("cannot read", missing.stderr)
