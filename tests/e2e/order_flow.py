"""The order-processing flow from the Python tracing guide, sent to Spanscope with the real SDK.

Usage: order_flow.py --endpoint URL --protocol grpc|http [--service NAME]
Prints one JSON line with the trace id and span ids it produced, for the test to check against.
"""
import argparse
import json
import logging
import sys

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import Status, StatusCode


class PaymentError(Exception):
    pass


def charge_payment(total):
    raise PaymentError(f"card declined for {total:.2f}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--protocol", choices=["grpc", "http"], required=True)
    parser.add_argument("--service", default="order-service")
    parser.add_argument("--logs", action="store_true", help="also send OTLP logs from logging")
    parser.add_argument("--gzip", action="store_true", help="compress exports with gzip")
    args = parser.parse_args()

    resource = Resource.create({
        "service.name": args.service,
        "service.version": "1.0.0",
        "deployment.environment": "production",
    })
    provider = TracerProvider(resource=resource)
    if args.protocol == "grpc":
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import Compression, OTLPSpanExporter
        compression = Compression.Gzip if args.gzip else Compression.NoCompression
        exporter = OTLPSpanExporter(endpoint=args.endpoint, insecure=True, compression=compression)
    else:
        from opentelemetry.exporter.otlp.proto.http import Compression
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        compression = Compression.Gzip if args.gzip else Compression.NoCompression
        exporter = OTLPSpanExporter(endpoint=args.endpoint + "/v1/traces", compression=compression)
    provider.add_span_processor(BatchSpanProcessor(exporter))
    tracer = provider.get_tracer("shop.orders", "2.1.0")
    # A second instrumentation scope of the same resource, as an instrumented client library
    # adds one: the resource must still be stored and exported once.
    inventory_tracer = provider.get_tracer("shop.inventory", "2.1.0")

    logger = logging.getLogger("shop.orders")
    logger.setLevel(logging.INFO)
    logger_provider = None
    if args.logs:
        from opentelemetry.sdk._logs import LoggerProvider, LoggingHandler
        from opentelemetry.sdk._logs.export import BatchLogRecordProcessor
        if args.protocol == "grpc":
            from opentelemetry.exporter.otlp.proto.grpc._log_exporter import OTLPLogExporter
            log_exporter = OTLPLogExporter(endpoint=args.endpoint, insecure=True, compression=compression)
        else:
            from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
            log_exporter = OTLPLogExporter(endpoint=args.endpoint + "/v1/logs", compression=compression)
        logger_provider = LoggerProvider(resource=resource)
        logger_provider.add_log_record_processor(BatchLogRecordProcessor(log_exporter))
        logger.addHandler(LoggingHandler(level=logging.INFO, logger_provider=logger_provider))

    ids = {}
    try:
        with tracer.start_as_current_span("process_order", kind=trace.SpanKind.SERVER) as span:
            ids["trace_id"] = format(span.get_span_context().trace_id, "032x")
            ids["process_order"] = format(span.get_span_context().span_id, "016x")
            span.set_attribute("order.id", 1042)
            span.set_attribute("order.type", "standard")
            span.set_attribute("order.express", False)
            span.set_attribute("order.tags", ["gift", "fragile"])
            span.add_event("processing_started", {"items": 3})
            logger.info("processing order %s", 1042)
            for name in ("validate_order", "check_inventory"):
                with (inventory_tracer if name == "check_inventory" else tracer).start_as_current_span(name) as child:
                    ids[name] = format(child.get_span_context().span_id, "016x")
                    if name == "validate_order":
                        span.set_attribute("order.items", 3)
                        logger.info("order validated")
            with tracer.start_as_current_span("process_payment") as payment_span:
                ids["process_payment"] = format(payment_span.get_span_context().span_id, "016x")
                payment_span.set_attribute("payment.amount", 99.5)
                try:
                    charge_payment(99.5)
                except PaymentError as e:
                    payment_span.set_status(Status(StatusCode.ERROR, str(e)))
                    payment_span.record_exception(e)
                    logger.error("payment failed: %s", e)
                    raise
    except PaymentError:
        pass
    with tracer.start_as_current_span("send_confirmation") as confirm:
        ids["send_confirmation"] = format(confirm.get_span_context().span_id, "016x")
        ids["confirmation_trace_id"] = format(confirm.get_span_context().trace_id, "032x")

    ok = provider.force_flush(10_000)
    provider.shutdown()
    if logger_provider is not None:
        ok = logger_provider.force_flush(10_000) and ok
        logger_provider.shutdown()
    print(json.dumps(ids))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
