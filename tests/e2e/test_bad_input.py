"""Malformed, oversized and hostile requests: each gets the right answer and is counted, and
nothing already stored changes."""
import gzip
import json
import unittest
import urllib.error
import urllib.request

import grpc

from harness import E2ETestCase, SpanscopeServer

TRACE_ID = "5b8efff798038103d269b633813fc60c"


def otlp_json(spans):
    return {"resourceSpans": [{"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "bad-input"}}]},
                               "scopeSpans": [{"scope": {"name": "t"}, "spans": spans}]}]}


def span(trace_id=TRACE_ID, span_id="eee19b7ec3c1b174", name="GET /items"):
    return {"traceId": trace_id, "spanId": span_id, "name": name, "kind": 2,
            "startTimeUnixNano": "1544712660000000000", "endTimeUnixNano": 1544712661000000000}


class BadInputTest(E2ETestCase):
    def post(self, server, body, content_type="application/json", path="/v1/traces", headers=None, method="POST"):
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
        request = urllib.request.Request(server.http_url + path, data=body, method=method,
                                         headers={"Content-Type": content_type, **(headers or {})})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    def test_bad_requests(self):
        with SpanscopeServer("--max-request-bytes", "1048576") as server:
            status, headers, body = self.post(server, otlp_json([span()]))
            self.assertEqual((status, body), (200, b"{}"))
            self.assertEqual(headers["Content-Type"], "application/json")
            stored = server.trace(TRACE_ID)

            # Malformed protobuf: 400 with a google.rpc.Status in protobuf.
            status, headers, body = self.post(server, b"\xff\xff\xff\xff", "application/x-protobuf")
            self.assertEqual(status, 400)
            self.assertEqual(headers["Content-Type"], "application/x-protobuf")
            self.assertIn(b"not a valid protobuf", body)

            # Malformed JSON: 400 with a JSON Status naming the position.
            status, _, body = self.post(server, b'{"resourceSpans": [', "application/json")
            self.assertEqual(status, 400)
            error = json.loads(body)
            self.assertEqual(error["code"], 3)
            self.assertIn("malformed JSON at byte", error["message"])

            # Hex ids that are not hex.
            status, _, body = self.post(server, otlp_json([span(trace_id="zz" * 16)]))
            self.assertEqual(status, 400)
            self.assertIn("traceId is not a hex id", json.loads(body)["message"])

            # Wrong content type and method, unknown path.
            self.assertEqual(self.post(server, b"hello", "text/plain")[0], 415)
            self.assertEqual(self.post(server, b"x", "application/json", headers={"Content-Encoding": "zstd"})[0], 415)
            self.assertEqual(self.post(server, None, method="GET")[0], 405)
            self.assertEqual(self.post(server, b"{}", path="/v1/nothing")[0], 404)

            # The request limit at its edge: exactly 1 MiB is taken, one byte more is not, and
            # the same holds after decompression.
            text = json.dumps(otlp_json([span(span_id="3333333333333333", name="at the limit")]))
            at_limit = (text + " " * (1048576 - len(text))).encode()
            self.assertEqual(self.post(server, at_limit)[0], 200)
            self.assertEqual(self.post(server, at_limit + b" ")[0], 413)
            self.assertEqual(self.post(server, gzip.compress(at_limit), headers={"Content-Encoding": "gzip"})[0], 200)
            self.assertEqual(self.post(server, gzip.compress(at_limit + b" "), headers={"Content-Encoding": "gzip"})[0], 413)

            # Oversized body, and a gzip bomb that would inflate to 64 MiB: 413 either way.
            self.assertEqual(self.post(server, b"\0" * (2 << 20), "application/x-protobuf")[0], 413)
            bomb = gzip.compress(b"\0" * (64 << 20))
            self.assertLess(len(bomb), 1 << 20)
            status, _, body = self.post(server, bomb, "application/x-protobuf", headers={"Content-Encoding": "gzip"})
            self.assertEqual(status, 413)
            self.assertIn(b"after decompression", body)

            # Zero-length and all-zero ids: those spans are rejected, the good one is kept.
            status, _, body = self.post(server, otlp_json([
                span(span_id="1111111111111111", name="kept"),
                span(trace_id="0" * 32, span_id="2222222222222222"),
                span(trace_id="", span_id="3333333333333333"),
                span(span_id="0" * 16),
            ]))
            self.assertEqual(status, 200)
            partial = json.loads(body)["partialSuccess"]
            self.assertEqual(partial["rejectedSpans"], "3")
            self.assertIn("invalid trace_id", partial["errorMessage"])

            # A well-formed gzip body is accepted.
            good = gzip.compress(json.dumps(otlp_json([span(span_id="4444444444444444", name="gzipped")])).encode())
            self.assertEqual(self.post(server, good, headers={"Content-Encoding": "gzip"})[0], 200)

            # gRPC: a body that is not protobuf, and one over the size limit.
            with grpc.insecure_channel(server.grpc) as channel:
                export = channel.unary_unary("/opentelemetry.proto.collector.trace.v1.TraceService/Export",
                                             request_serializer=lambda b: b, response_deserializer=lambda b: b)
                with self.assertRaises(grpc.RpcError) as raised:
                    export(b"\xff\xff\xff\xff", timeout=10)
                self.assertEqual(raised.exception.code(), grpc.StatusCode.INVALID_ARGUMENT)
                self.assertIn("not a valid protobuf opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest",
                              raised.exception.details())
                with self.assertRaises(grpc.RpcError) as raised:
                    export(b"\x0a" + b"\xff\xff\x7f" + b"\0" * (2 << 20), timeout=10)
                self.assertEqual(raised.exception.code(), grpc.StatusCode.RESOURCE_EXHAUSTED)

            # Nine refused HTTP requests and the undecodable gRPC message are counted. A gRPC
            # message over the size limit is refused inside the gRPC library, uncounted.
            server.wait_for_counter("trace_requests.rejected", 10)
            counters = server.counters()
            self.assertEqual(counters["trace_requests.rejected"], 10)
            self.assertEqual(counters["spans.rejected"], 3)
            self.assertEqual(counters["spans.accepted"], 5)

            # What was stored before is unchanged; the accepted spans are there too.
            after = server.trace(TRACE_ID)
            names = sorted(s["name"] for rs in after["resourceSpans"] for ss in rs["scopeSpans"] for s in ss["spans"])
            self.assertEqual(names, ["GET /items", "at the limit", "gzipped", "kept"])
            first = [s for rs in stored["resourceSpans"] for ss in rs["scopeSpans"] for s in ss["spans"]]
            again = [s for rs in after["resourceSpans"] for ss in rs["scopeSpans"] for s in ss["spans"] if s["name"] == "GET /items"]
            self.assertEqual(first, again)

    def test_cors(self):
        with SpanscopeServer() as server:
            status, headers, _ = self.post(server, None, method="OPTIONS", headers={
                "Origin": "http://localhost:5173", "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type"})
            self.assertEqual(status, 204)
            self.assertEqual(headers["Access-Control-Allow-Origin"], "http://localhost:5173")
            self.assertIn("POST", headers["Access-Control-Allow-Methods"])
            status, headers, _ = self.post(server, None, method="OPTIONS", headers={"Origin": "https://evil.example"})
            self.assertIsNone(headers["Access-Control-Allow-Origin"])
            status, headers, _ = self.post(server, otlp_json([span()]), headers={"Origin": "http://127.0.0.1:8080"})
            self.assertEqual(status, 200)
            self.assertEqual(headers["Access-Control-Allow-Origin"], "http://127.0.0.1:8080")

    def test_configured_cors_origins(self):
        with SpanscopeServer("--cors-origin", "https://shop.example", "--cors-origin", "https://admin.example") as server:
            for origin, allowed in (("https://shop.example", True), ("https://admin.example", True),
                                    ("http://localhost:3000", False)):
                _, headers, _ = self.post(server, None, method="OPTIONS", headers={"Origin": origin})
                self.assertEqual(headers["Access-Control-Allow-Origin"], origin if allowed else None)


if __name__ == "__main__":
    unittest.main()
