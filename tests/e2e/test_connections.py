"""The HTTP receivers under many, slow, idle and hostile connections: slowloris, fleets of
keep-alive senders, thousands of one-shot clients, pipelining, request smuggling, DNS rebinding
and bodies sent where nothing reads them."""
import asyncio
import gzip
import http.client
import json
import socket
import threading
import time
import urllib.request

from harness import SANITIZED, E2ETestCase, SpanscopeServer, rss_mib

TRACE_ID = "5b8efff798038103d269b633813fc60c"


def export_body(span_id, name="conn"):
    return json.dumps({"resourceSpans": [{
        "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "conn"}}]},
        "scopeSpans": [{"spans": [{
            "traceId": TRACE_ID, "spanId": span_id, "name": name,
            "startTimeUnixNano": "1700000000000000000", "endTimeUnixNano": "1700000000001000000"}]}]}]}).encode()


def raw_exchange(address, data, read_until_close=True, timeout=10):
    """Sends bytes as they are and returns what came back (until the server closes)."""
    host, port = address.rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=timeout) as sock:
        sock.sendall(data)
        chunks = []
        try:
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
                if not read_until_close and b"\r\n\r\n" in b"".join(chunks):
                    break
        except socket.timeout:
            pass
        return b"".join(chunks)


def status_of(response):
    return int(response.split(b" ", 2)[1]) if response.startswith(b"HTTP/1.1 ") else None


class ConnectionsTest(E2ETestCase):
    def export(self, server, span_id, timeout):
        request = urllib.request.Request(server.http_url + "/v1/traces", data=export_body(span_id), method="POST",
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status

    def test_slowloris_does_not_starve_senders(self):
        with SpanscopeServer() as server:
            host, port = server.http.rsplit(":", 1)
            slow = []
            for _ in range(64):
                sock = socket.create_connection((host, int(port)))
                sock.sendall(b"POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
                slow.append(sock)
            try:
                # The 2 s bound is the client's own timeout: a starved export fails, not slows.
                self.assertEqual(self.export(server, "1000000000000001", timeout=2), 200)
            finally:
                for sock in slow:
                    sock.close()

    def test_many_keep_alive_senders_and_one_shot_clients(self):
        with SpanscopeServer() as server:
            host, port = server.http.rsplit(":", 1)
            connections = [http.client.HTTPConnection(host, int(port), timeout=10) for _ in range(48)]
            failures = []

            def send(index, round_):
                try:
                    conn = connections[index]
                    conn.request("POST", "/v1/traces", body=export_body("%016x" % (0x2000 + round_ * 100 + index)),
                                 headers={"Content-Type": "application/json"})
                    response = conn.getresponse()
                    response.read()
                    if response.status != 200:
                        failures.append(response.status)
                except Exception as error:  # noqa: BLE001 - every failure is reported below
                    failures.append(repr(error))

            for round_ in range(2):
                threads = [threading.Thread(target=send, args=(i, round_)) for i in range(48)]
                for t in threads:
                    t.start()
                for t in threads:
                    t.join()
                if round_ == 0:
                    time.sleep(3)  # the senders' export interval: the connections sit idle, open
            self.assertEqual(failures, [])
            for conn in connections:
                conn.close()

            async def one_shot(index):
                reader, writer = await asyncio.open_connection(host, int(port))
                body = export_body("%016x" % (0x10000 + index))
                writer.write(b"POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                             b"Connection: close\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
                await writer.drain()
                answer = await asyncio.wait_for(reader.read(), timeout=60)
                writer.close()
                return status_of(answer)

            async def all_clients():
                return await asyncio.gather(*(one_shot(i) for i in range(2000)), return_exceptions=True)

            statuses = asyncio.run(all_clients())
            self.assertEqual([s for s in statuses if s != 200], [])
            server.wait_for_counter("spans.accepted", 96 + 2000)

    def test_pipelining_encodings_and_smuggling(self):
        with SpanscopeServer() as server:
            body = export_body("3000000000000001")
            one = (b"POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                   b"Content-Length: %d\r\n\r\n" % len(body) + body)
            last = one.replace(b"Host: 127.0.0.1\r\n", b"Host: 127.0.0.1\r\nConnection: close\r\n")
            answers = raw_exchange(server.http, one + one + last)
            self.assertEqual(answers.count(b"HTTP/1.1 200 OK"), 3)

            zipped = gzip.compress(export_body("3000000000000002", "gzipped"))
            request = urllib.request.Request(server.http_url + "/v1/traces", data=zipped, method="POST",
                                             headers={"Content-Type": "application/json", "Content-Encoding": "GZIP"})
            with urllib.request.urlopen(request, timeout=10) as response:
                self.assertEqual(response.status, 200)

            conflicting = (b"POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                           b"Content-Length: 5\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
            self.assertEqual(status_of(raw_exchange(server.http, conflicting)), 400)
            both = (b"POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    b"Content-Length: %d\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" % len(body))
            self.assertEqual(status_of(raw_exchange(server.http, both)), 400)

    def test_dns_rebinding_and_foreign_origins_are_refused(self):
        with SpanscopeServer() as server:
            body = export_body("4000000000000001", "from a web page")
            for headers in (b"Host: evil.example\r\n",
                            b"Host: evil.example\r\nOrigin: http://evil.example\r\n",
                            b"Host: 127.0.0.1\r\nOrigin: http://evil.example\r\n"):
                request = (b"POST /v1/traces HTTP/1.1\r\n" + headers + b"Content-Type: application/json\r\n"
                           b"Content-Length: %d\r\n\r\n" % len(body) + body)
                self.assertEqual(status_of(raw_exchange(server.http, request)), 403, headers)
            for address, path in ((server.sampling_http, b"/sampling?service=x"),):
                answer = raw_exchange(address, b"GET " + path + b" HTTP/1.1\r\nHost: evil.example\r\n\r\n")
                self.assertEqual(status_of(answer), 403)
                answer = raw_exchange(address, b"GET " + path + b" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                self.assertEqual(status_of(answer), 200)
            # A local page (allowed origin) and SDKs (no Origin) still get through.
            self.assertEqual(self.export(server, "4000000000000002", timeout=10), 200)
            self.assertEqual(server.counters().get("spans.accepted"), 1)

    def test_unrouted_bodies_are_refused_unread(self):
        with SpanscopeServer() as server:
            idle = rss_mib(server.process.pid, "VmRSS")
            for address, path in ((server.http, b"/nope"), (server.http, b"/v1/traces/x"),
                                  (server.sampling_http, b"/sampling")):
                host, port = address.rsplit(":", 1)
                with socket.create_connection((host, int(port)), timeout=10) as sock:
                    sock.sendall(b"POST " + path + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Encoding: gzip\r\n"
                                 b"Content-Type: application/json\r\nContent-Length: 1073741824\r\n\r\n")
                    bomb = gzip.compress(b"\0" * (8 << 20))
                    sock.sendall(bomb)  # of the gigabyte announced, only this is ever sent
                    answer = sock.recv(65536)
                    self.assertIn(status_of(answer), (404, 405), answer[:200])
            if not SANITIZED:
                self.assertLess(rss_mib(server.process.pid, "VmHWM") - idle, 64)
