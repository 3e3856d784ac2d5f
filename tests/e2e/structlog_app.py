"""A service that traces with the SDK and logs two ways, as the tracing guide shows: structlog
with a processor that adds the current span's trace_id/span_id, rendered as JSON lines on stdout,
and the standard logging module through the SDK's LoggingHandler (OTLP logs).

Usage: structlog_app.py --endpoint URL
Prints the JSON log lines on stdout and, on stderr as the last line, the ids it produced.
"""
import argparse
import json
import logging
import sys

import structlog
from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.grpc._log_exporter import OTLPLogExporter
from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk._logs import LoggerProvider, LoggingHandler
from opentelemetry.sdk._logs.export import BatchLogRecordProcessor
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor


def add_trace_context(_, __, event_dict):
    """Add trace context to log entries."""
    span = trace.get_current_span()
    if span.is_recording():
        ctx = span.get_span_context()
        event_dict["trace_id"] = format(ctx.trace_id, "032x")
        event_dict["span_id"] = format(ctx.span_id, "016x")
    return event_dict


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--endpoint", required=True)
    args = parser.parse_args()

    resource = Resource.create({"service.name": "orders"})
    provider = TracerProvider(resource=resource)
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=args.endpoint, insecure=True)))
    trace.set_tracer_provider(provider)
    tracer = trace.get_tracer("shop.orders")

    logger_provider = LoggerProvider(resource=resource)
    logger_provider.add_log_record_processor(BatchLogRecordProcessor(OTLPLogExporter(endpoint=args.endpoint, insecure=True)))
    stdlib = logging.getLogger("shop.orders")
    stdlib.setLevel(logging.INFO)
    stdlib.addHandler(LoggingHandler(level=logging.INFO, logger_provider=logger_provider))

    structlog.configure(
        processors=[
            add_trace_context,
            structlog.processors.JSONRenderer(),
        ],
        logger_factory=structlog.PrintLoggerFactory(sys.stdout),
    )
    log = structlog.get_logger()

    ids = {}
    log.info("service starting", version="1.4.2")  # outside any span: kept, not linked
    with tracer.start_as_current_span("process_order") as order:
        ids["trace_id"] = format(order.get_span_context().trace_id, "032x")
        ids["process_order"] = format(order.get_span_context().span_id, "016x")
        log.info("processing order", order_id=1042, items=3)
        with tracer.start_as_current_span("charge_card") as charge:
            ids["charge_card"] = format(charge.get_span_context().span_id, "016x")
            log.warning("card expires soon", order_id=1042)
            stdlib.warning("charging card for order %s", 1042)  # the OTLP route
        with tracer.start_as_current_span("send_confirmation") as confirm:
            ids["send_confirmation"] = format(confirm.get_span_context().span_id, "016x")
            log.info("confirmation queued", queue="order-emails")

    ok = provider.force_flush(10_000) and logger_provider.force_flush(10_000)
    provider.shutdown()
    logger_provider.shutdown()
    sys.stdout.flush()
    print(json.dumps(ids), file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
