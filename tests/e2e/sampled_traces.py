"""Traces across two services that propagate W3C context, sent with the real Python SDK (which
keeps everything) to a Spanscope that samples on receipt. Prints the trace ids, which of them the
SDK's own TraceIdRatioBased(RATIO) would keep, and the health checks.

Usage: sampled_traces.py --endpoint URL --ratio R --traces N
"""
import argparse
import json
import sys

from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
from opentelemetry.propagate import extract, inject
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.sdk.trace.sampling import TraceIdRatioBased
from opentelemetry.trace import SpanKind


def provider(name, endpoint):
    p = TracerProvider(resource=Resource.create({"service.name": name}))
    p.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint, insecure=True)))
    return p


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--ratio", type=float, required=True)
    parser.add_argument("--traces", type=int, default=300)
    args = parser.parse_args()

    frontend_provider = provider("frontend", args.endpoint)
    backend_provider = provider("backend", args.endpoint)
    frontend = frontend_provider.get_tracer("shop.frontend")
    backend = backend_provider.get_tracer("shop.backend")
    reference = TraceIdRatioBased(args.ratio)

    out = {"all": [], "sdk_would_keep": [], "healthz": []}
    for i in range(args.traces):
        route = "/healthz" if i % 10 == 0 else "/orders"
        with frontend.start_as_current_span("GET " + route, kind=SpanKind.SERVER) as root:
            root.set_attribute("http.route", route)
            trace_id = root.get_span_context().trace_id
            headers = {}
            inject(headers)  # traceparent, as an HTTP client instrumentation would
            with backend.start_as_current_span("handle", context=extract(headers), kind=SpanKind.SERVER):
                with backend.start_as_current_span("SELECT orders"):
                    pass
        hex_id = format(trace_id, "032x")
        out["all"].append(hex_id)
        if route == "/healthz":
            out["healthz"].append(hex_id)
        if reference.should_sample(None, trace_id, "GET " + route).decision.is_sampled():
            out["sdk_would_keep"].append(hex_id)

    ok = frontend_provider.force_flush(10_000) and backend_provider.force_flush(10_000)
    frontend_provider.shutdown()
    backend_provider.shutdown()
    print(json.dumps(out))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
