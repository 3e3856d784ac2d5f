"""What one request may cost the server in memory, measured as its peak RSS from /proc: bodies
of empty messages (2 bytes on the wire, hundreds once parsed) are refused from their bytes
before they are parsed, and memory returns to its idle level after a large request."""
import json
import time
import urllib.error
import urllib.request

import grpc

from harness import SANITIZED, E2ETestCase, SpanscopeServer, rss_mib

TRACE_EXPORT = "/opentelemetry.proto.collector.trace.v1.TraceService/Export"


def varint(n):
    out = b""
    while True:
        low, n = n & 0x7F, n >> 7
        if not n:
            return out + bytes([low])
        out += bytes([low | 0x80])


def field(number, payload):
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def empty_spans_protobuf(size):
    """An ExportTraceServiceRequest of about `size` bytes, all of it empty spans."""
    return field(1, field(2, b"\x12\x00" * ((size - 16) // 2)))


def empty_spans_json(size):
    return ('{"resourceSpans":[{"scopeSpans":[{"spans":[' + ",".join(["{}"] * (size // 3)) + "]}]}]}").encode()


def real_spans_protobuf(count):
    """Valid minimal spans (ids only), which are decoded and stored."""
    spans = b"".join(field(2, field(1, b"\x01" * 12 + (i // 1000).to_bytes(4, "big")) + field(2, (i + 1).to_bytes(8, "big")))
                     for i in range(count))
    return field(1, field(2, spans))


class MemoryTest(E2ETestCase):
    def post(self, server, body, content_type):
        request = urllib.request.Request(server.http_url + "/v1/traces", data=body, method="POST",
                                         headers={"Content-Type": content_type})
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def test_empty_message_bombs_are_refused_before_parsing(self):
        with SpanscopeServer() as server:
            pid = server.process.pid
            status, body = self.post(server, empty_spans_protobuf(16 << 20), "application/x-protobuf")
            self.assertEqual(status, 413)
            self.assertIn(b"Send smaller batches", body)
            status, body = self.post(server, empty_spans_json(8 << 20), "application/json")
            self.assertEqual(status, 413)
            self.assertEqual(json.loads(body)["code"], 8)  # RESOURCE_EXHAUSTED
            with grpc.insecure_channel(server.grpc, options=[("grpc.max_send_message_length", 64 << 20)]) as channel:
                export = channel.unary_unary(TRACE_EXPORT, request_serializer=lambda b: b,
                                             response_deserializer=lambda b: b)
                with self.assertRaises(grpc.RpcError) as raised:
                    export(empty_spans_protobuf(16 << 20), timeout=60)
                self.assertEqual(raised.exception.code(), grpc.StatusCode.RESOURCE_EXHAUSTED)
            # gzip on gRPC: a 128 MiB message of zeros (~130 KB compressed) is inflated only up to
            # the 64 MiB limit, never whole.
            with grpc.insecure_channel(server.grpc, compression=grpc.Compression.Gzip) as channel:
                export = channel.unary_unary(TRACE_EXPORT, request_serializer=lambda b: b,
                                             response_deserializer=lambda b: b)
                with self.assertRaises(grpc.RpcError) as raised:
                    export(b"\0" * (128 << 20), timeout=60)
                self.assertEqual(raised.exception.code(), grpc.StatusCode.RESOURCE_EXHAUSTED)
                self.assertIn("after decompression", raised.exception.details())
            if not SANITIZED:
                self.assertLess(rss_mib(pid, "VmHWM"), 512)
            server.wait_for_counter("trace_requests.rejected", 4)

    def test_memory_returns_after_a_large_request(self):
        with SpanscopeServer() as server:
            pid = server.process.pid
            idle = rss_mib(pid, "VmRSS")
            status, _ = self.post(server, real_spans_protobuf(300_000), "application/x-protobuf")
            self.assertEqual(status, 200)
            server.wait_for_counter("spans.accepted", 300_000)
            if SANITIZED:
                return
            self.assertLess(rss_mib(pid, "VmHWM"), 512)
            # Freed memory goes back to the system once the request is done (malloc_trim), so
            # the server settles near its idle size rather than at its peak.
            deadline = time.time() + 10
            while rss_mib(pid, "VmRSS") > idle + 96 and time.time() < deadline:
                time.sleep(0.2)
            self.assertLess(rss_mib(pid, "VmRSS"), idle + 96)
