"""Sends every instrument kind the Python SDK has, with exemplars from spans, through the OTLP
metric exporter (gRPC or HTTP/protobuf), and prints what it recorded as one JSON line."""
import argparse
import json

from opentelemetry import trace
from opentelemetry.sdk.metrics import Counter, Histogram, MeterProvider, UpDownCounter
from opentelemetry.sdk.metrics.export import AggregationTemporality, PeriodicExportingMetricReader
from opentelemetry.sdk.metrics.view import ExponentialBucketHistogramAggregation, View
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.metrics import Observation


def exporters(protocol, endpoint, delta):
    temporality = None
    if delta:
        temporality = {Counter: AggregationTemporality.DELTA, Histogram: AggregationTemporality.DELTA,
                       UpDownCounter: AggregationTemporality.CUMULATIVE}
    if protocol == "grpc":
        from opentelemetry.exporter.otlp.proto.grpc.metric_exporter import OTLPMetricExporter
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
        return (OTLPMetricExporter(endpoint=endpoint, insecure=True, preferred_temporality=temporality),
                OTLPSpanExporter(endpoint=endpoint, insecure=True))
    from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    return (OTLPMetricExporter(endpoint=endpoint + "/v1/metrics", preferred_temporality=temporality),
            OTLPSpanExporter(endpoint=endpoint + "/v1/traces"))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--protocol", choices=["grpc", "http"], default="grpc")
    parser.add_argument("--service", default="metrics-demo")
    parser.add_argument("--delta", action="store_true")
    args = parser.parse_args()

    metric_exporter, span_exporter = exporters(args.protocol, args.endpoint, args.delta)
    resource = Resource.create({"service.name": args.service})
    tracer_provider = TracerProvider(resource=resource)
    tracer_provider.add_span_processor(SimpleSpanProcessor(span_exporter))
    tracer = tracer_provider.get_tracer("metrics-client")
    # A long interval: the exports are made by hand.
    reader = PeriodicExportingMetricReader(metric_exporter, export_interval_millis=3_600_000)
    views = [View(instrument_name="payload.size", aggregation=ExponentialBucketHistogramAggregation())]
    meter_provider = MeterProvider(resource=resource, metric_readers=[reader], views=views)
    meter = meter_provider.get_meter("shop.metrics", "1.0")

    requests = meter.create_counter("http.server.requests", unit="{request}", description="Requests served")
    active = meter.create_up_down_counter("http.server.active_requests", unit="{request}")
    duration = meter.create_histogram("http.server.duration", unit="ms")
    size = meter.create_histogram("payload.size", unit="By")
    queue = {"value": 3}
    meter.create_observable_gauge("queue.depth", callbacks=[lambda options: [Observation(queue["value"], {"queue": "orders"})]])

    sent = {"spans": [], "durations": {"/cart": [], "/checkout": []}, "sizes": []}
    for round_ in range(2):
        for i in range(5):
            route = "/cart" if i % 2 == 0 else "/checkout"
            with tracer.start_as_current_span(f"GET {route}") as span:
                context = span.get_span_context()
                sent["spans"].append({"traceId": format(context.trace_id, "032x"),
                                      "spanId": format(context.span_id, "016x")})
                value = 10.0 * (i + 1) + round_
                requests.add(1, {"http.route": route})
                active.add(1 if i < 3 else -1, {"http.route": route})
                duration.record(value, {"http.route": route})
                size.record(100 * (i + 1))
                sent["durations"][route].append(value)
                sent["sizes"].append(100 * (i + 1))
        queue["value"] = 3 + round_
        # Two exports: a flush after the first round, and shutdown's own after the second.
        if round_ == 0 and not meter_provider.force_flush(10_000):
            raise SystemExit("the metric export did not finish")
    meter_provider.shutdown()
    tracer_provider.shutdown()
    print(json.dumps(sent))


if __name__ == "__main__":
    main()
