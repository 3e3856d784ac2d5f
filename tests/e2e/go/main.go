// Sends every instrument kind of the Go SDK — counter, up-down counter, histogram (explicit and
// base-2 exponential), gauge — with exemplars taken inside spans, through otlpmetricgrpc or
// otlpmetrichttp, and prints what it recorded as one JSON line.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetricgrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetrichttp"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/metric"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.26.0"
)

func main() {
	grpcAddress := flag.String("grpc", "", "the receiver's OTLP/gRPC host:port (traces, and metrics with -protocol grpc)")
	httpAddress := flag.String("http", "", "the receiver's OTLP/HTTP host:port (metrics with -protocol http)")
	protocol := flag.String("protocol", "grpc", "grpc or http, for metrics")
	service := flag.String("service", "go-metrics", "service.name")
	delta := flag.Bool("delta", false, "delta temporality for counters and histograms")
	flag.Parse()
	ctx := context.Background()

	res := resource.NewSchemaless(semconv.ServiceName(*service))
	spans, err := otlptracegrpc.New(ctx, otlptracegrpc.WithEndpoint(*grpcAddress), otlptracegrpc.WithInsecure())
	check(err)
	tracerProvider := sdktrace.NewTracerProvider(sdktrace.WithResource(res), sdktrace.WithSyncer(spans))
	tracer := tracerProvider.Tracer("go-metrics-client")

	temporality := sdkmetric.DefaultTemporalitySelector
	if *delta {
		temporality = func(kind sdkmetric.InstrumentKind) metricdata.Temporality {
			if kind == sdkmetric.InstrumentKindUpDownCounter || kind == sdkmetric.InstrumentKindObservableUpDownCounter {
				return metricdata.CumulativeTemporality
			}
			return metricdata.DeltaTemporality
		}
	}
	var exporter sdkmetric.Exporter
	if *protocol == "grpc" {
		exporter, err = otlpmetricgrpc.New(ctx, otlpmetricgrpc.WithEndpoint(*grpcAddress), otlpmetricgrpc.WithInsecure(),
			otlpmetricgrpc.WithTemporalitySelector(temporality))
	} else {
		exporter, err = otlpmetrichttp.New(ctx, otlpmetrichttp.WithEndpoint(*httpAddress), otlpmetrichttp.WithInsecure(),
			otlpmetrichttp.WithTemporalitySelector(temporality))
	}
	check(err)
	periodic := sdkmetric.NewPeriodicReader(exporter)
	exponential := sdkmetric.NewView(sdkmetric.Instrument{Name: "payload.size"},
		sdkmetric.Stream{Aggregation: sdkmetric.AggregationBase2ExponentialHistogram{MaxSize: 160, MaxScale: 20}})
	meterProvider := sdkmetric.NewMeterProvider(sdkmetric.WithResource(res), sdkmetric.WithReader(periodic),
		sdkmetric.WithView(exponential))
	meter := meterProvider.Meter("shop.metrics")

	requests, err := meter.Int64Counter("http.server.requests", metric.WithUnit("{request}"))
	check(err)
	active, err := meter.Int64UpDownCounter("http.server.active_requests", metric.WithUnit("{request}"))
	check(err)
	duration, err := meter.Float64Histogram("http.server.duration", metric.WithUnit("ms"))
	check(err)
	size, err := meter.Int64Histogram("payload.size", metric.WithUnit("By"))
	check(err)
	queue, err := meter.Int64Gauge("queue.depth")
	check(err)

	type sentSpan struct {
		TraceID string `json:"traceId"`
		SpanID  string `json:"spanId"`
	}
	sent := struct {
		Spans     []sentSpan           `json:"spans"`
		Durations map[string][]float64 `json:"durations"`
	}{Durations: map[string][]float64{"/cart": {}, "/checkout": {}}}
	for round := 0; round < 2; round++ {
		for i := 0; i < 5; i++ {
			route := "/checkout"
			if i%2 == 0 {
				route = "/cart"
			}
			spanCtx, span := tracer.Start(ctx, "GET "+route)
			sc := span.SpanContext()
			sent.Spans = append(sent.Spans, sentSpan{sc.TraceID().String(), sc.SpanID().String()})
			attrs := metric.WithAttributes(attribute.String("http.route", route))
			value := float64(10*(i+1) + round)
			requests.Add(spanCtx, 1, attrs)
			change := int64(1)
			if i >= 3 {
				change = -1
			}
			active.Add(spanCtx, change, attrs)
			duration.Record(spanCtx, value, attrs)
			size.Record(spanCtx, int64(100*(i+1)))
			sent.Durations[route] = append(sent.Durations[route], value)
			span.End()
		}
		queue.Record(ctx, int64(3+round), metric.WithAttributes(attribute.String("queue", "orders")))
		if round == 0 {
			check(meterProvider.ForceFlush(ctx))
		}
	}
	check(meterProvider.Shutdown(ctx)) // the second export
	check(tracerProvider.Shutdown(ctx))
	out, err := json.Marshal(sent)
	check(err)
	fmt.Println(string(out))
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
