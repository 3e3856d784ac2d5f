"""Insights end to end: a real FastAPI + SQLAlchemy + httpx + Redis shop under the official
instrumentations (shop_app.py) sends its traces to `spanscope serve`, and `spanscope insights`
finds exactly the patterns each route plants, with the right counts, and nothing in a clean
request."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

import redis

from harness import SPANSCOPE, E2ETestCase, SpanscopeServer, cli_json, run_cli, run_client


class RedisServer:
    """A real redis-server on a unix socket in a temporary directory (no port to collide on)."""

    def __enter__(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="spanscope-redis-")
        self.socket = os.path.join(self.tmp.name, "redis.sock")
        self.process = subprocess.Popen(
            ["redis-server", "--port", "0", "--unixsocket", self.socket, "--save", "", "--appendonly", "no",
             "--dir", self.tmp.name], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.time() + 20
        while True:
            try:
                redis.Redis(unix_socket_path=self.socket).ping()
                return self
            except redis.exceptions.ConnectionError:
                if self.process.poll() is not None or time.time() > deadline:
                    raise AssertionError("redis-server did not start: " + self.process.stderr.read().decode())
                time.sleep(0.05)

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=20)
        self.tmp.cleanup()


@unittest.skipUnless(shutil.which("redis-server"), "redis-server is installed by ./dev test")
class InsightsOfARealShop(E2ETestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = SpanscopeServer().__enter__()
        cls.redis = RedisServer().__enter__()
        cls.shop = run_client([sys.executable, "shop_app.py", "shop", "--endpoint", cls.server.http_url,
                               "--redis", cls.redis.socket], timeout=300)

    @classmethod
    def tearDownClass(cls):
        cls.redis.__exit__(None, None, None)
        cls.server.__exit__(None, None, None)

    def findings(self, route):
        return cli_json(self.server.db, "insights", self.shop["traces"][route])

    def only_finding(self, route):
        found = self.findings(route)
        self.assertEqual(len(found), 1, [(f["kind"], f["pattern"], f["count"]) for f in found])
        finding = found[0]
        self.assertEqual(finding["traceId"], self.shop["traces"][route])
        self.assertEqual(len(finding["spanIds"]), finding["count"])
        self.assertGreater(int(finding["totalDurationNs"]), 0)  # nanoseconds as strings
        self.assertTrue(finding["message"])
        return finding

    def test_everything_arrived(self):
        self.assertEqual(self.shop["inventory"], 0)
        stock = self.server.trace(self.shop["traces"]["stock"])
        services = {kv["value"]["stringValue"] for rs in stock["resourceSpans"]
                    for kv in rs["resource"]["attributes"] if kv["key"] == "service.name"}
        self.assertEqual(services, {"shop", "inventory"})  # propagated by httpx to the second service

    def test_lazy_loads_are_an_n_plus_one_query(self):
        finding = self.only_finding("orders")
        self.assertEqual(finding["kind"], "n_plus_one_db")
        self.assertEqual(finding["count"], self.shop["orders"])
        self.assertIn("FROM items", finding["pattern"])
        self.assertIn("shop: GET /orders", finding["message"])

    def test_a_call_per_item_is_an_n_plus_one_http(self):
        finding = self.only_finding("stock")
        self.assertEqual(finding["kind"], "n_plus_one_http")
        self.assertEqual(finding["count"], self.shop["itemsPerOrder"])
        self.assertRegex(finding["pattern"], r"^GET http://127\.0\.0\.1:\d+/stock/\{id\}$")

    def test_a_redis_get_per_item_is_an_n_plus_one_cache(self):
        finding = self.only_finding("prices")
        self.assertEqual(finding["kind"], "n_plus_one_http")
        self.assertEqual(finding["count"], self.shop["itemsPerOrder"])
        self.assertTrue(finding["pattern"].startswith("GET "), finding["pattern"])

    def test_awaits_in_a_row_are_sequential_calls(self):
        finding = self.only_finding("checkout")
        self.assertEqual(finding["kind"], "sequential_calls")
        self.assertEqual(finding["count"], 3)
        for step in ("reserve", "charge", "notify"):
            self.assertIn("/" + step, finding["pattern"])
        self.assertGreaterEqual(int(finding["savableNs"]), 100_000_000)

    def test_a_call_without_traceparent_is_broken_propagation(self):
        self.assertEqual(self.findings("restock"), [])  # the caller's trace looks whole
        lost = cli_json(self.server.db, "insights", "--kind", "broken_propagation")
        self.assertEqual(len(lost), 1, lost)
        finding = lost[0]
        self.assertNotEqual(finding["traceId"], self.shop["traces"]["restock"])  # the server's own trace
        self.assertEqual(finding["pattern"], "traceparent lost: shop → inventory")
        self.assertEqual(finding["parentOperation"], "shop: GET")
        self.assertIn(self.shop["traces"]["restock"], finding["message"])
        server = self.server.trace(finding["traceId"])
        names = [span["name"] for rs in server["resourceSpans"] for ss in rs["scopeSpans"] for span in ss["spans"]]
        self.assertIn("GET /stock/{sku}", names)

    def test_a_slow_query(self):
        finding = self.only_finding("report")
        self.assertEqual(finding["kind"], "slow_query")
        self.assertIn("WITH RECURSIVE", finding["pattern"])

    def test_a_clean_request_has_no_findings(self):
        self.assertEqual(self.findings("health"), [])
        result = run_cli(self.server.db, "insights", self.shop["traces"]["health"], "--fail-on",
                         "n_plus_one_db,n_plus_one_http", check=False)
        self.assertEqual(result.returncode, 0, result.stderr)

    def test_the_windows_thresholds_and_ignored_problems_apply(self):
        orders = self.only_finding("orders")
        config = tempfile.TemporaryDirectory(prefix="spanscope-config-")
        self.addCleanup(config.cleanup)
        os.makedirs(os.path.join(config.name, "Spanscope"))
        with open(os.path.join(config.name, "Spanscope", "spanscope.conf"), "w") as f:
            # As Edit > Insight Settings saves them.
            f.write("[insights]\n"
                    "slowQueryNs=10000000000\n"
                    f"ignored\\{orders['fingerprint']}=N+1 queries: SELECT items\n")
        env = {**os.environ, "XDG_CONFIG_HOME": config.name}

        def insights(route, *extra):
            result = subprocess.run([SPANSCOPE, "insights", self.shop["traces"][route], "--json", "--db",
                                     self.server.db, *extra], capture_output=True, text=True, env=env,
                                    timeout=60, check=True)
            return json.loads(result.stdout)

        self.assertEqual(insights("orders"), [])
        self.assertEqual(insights("report"), [])  # 10 s is no slow query's threshold
        self.assertEqual([f["fingerprint"] for f in insights("orders", "--include-ignored")],
                         [orders["fingerprint"]])
        self.assertEqual(len(insights("stock")), 1)  # the rest as before

    def test_fail_on_gates_a_run_with_an_n_plus_one(self):
        result = run_cli(self.server.db, "insights", "--fail-on", "n_plus_one_db", check=False)
        self.assertEqual(result.returncode, 3, result.stdout + result.stderr)


if __name__ == "__main__":
    unittest.main()
