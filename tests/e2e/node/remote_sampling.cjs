// A Node service whose head sampling comes from Spanscope: the JS SDK's JaegerRemoteSampler
// polls the remote sampling endpoint and the service then starts COUNT "GET /orders" and COUNT
// "GET /healthz" root spans, exporting what the sampler keeps over OTLP/HTTP.
//
// Usage: node remote_sampling.cjs --otlp http://HOST:PORT --sampling http://HOST:PORT --count N
// Prints one JSON line: {"orders": N, "healthz": N} (the spans the SDK sampled).
'use strict';

const { AlwaysOnSampler, TracerProvider, BatchSpanProcessor } = require('@opentelemetry/sdk-trace');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http');
const { JaegerRemoteSampler } = require('@opentelemetry/sampler-jaeger-remote');

function arg(name) {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

async function main() {
  const sampler = new JaegerRemoteSampler({
    endpoint: arg('--sampling'),
    serviceName: 'web',
    poolingInterval: 100,
    initialSampler: new AlwaysOnSampler(),
  });
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'web' }),
    sampler,
    spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: arg('--otlp') + '/v1/traces' }) })],
  });
  const tracer = provider.getTracer('web');
  // Wait for the first strategy: until then the initial sampler (always on) decides.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const count = Number(arg('--count'));
  const sampled = { orders: 0, healthz: 0 };
  for (let i = 0; i < count; i++) {
    for (const [name, key] of [['GET /orders', 'orders'], ['GET /healthz', 'healthz']]) {
      const span = tracer.startSpan(name);
      if (span.isRecording()) sampled[key]++;
      span.end();
    }
  }
  await provider.forceFlush();
  await provider.shutdown();
  console.log(JSON.stringify(sampled));
  process.exit(0); // the sampler's polling timer would keep the process alive
}

main().catch((err) => { console.error(err); process.exit(1); });
