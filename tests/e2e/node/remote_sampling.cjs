// A Node service whose head sampling comes from Spanscope: the JS SDK's JaegerRemoteSampler
// polls the remote sampling endpoint and the service then starts COUNT "GET /orders" and COUNT
// "GET /healthz" root spans, exporting what the sampler keeps over OTLP/HTTP.
//
// Usage: node remote_sampling.cjs --otlp http://HOST:PORT --sampling http://HOST:PORT --count N
//                                 [--rounds R]
// Prints one JSON line per round: {"orders": N, "healthz": N} (the spans the SDK sampled).
// Between rounds it waits for a line on stdin, so the test can change the strategy.
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
  const rounds = Number(arg('--rounds') || 1);
  const lines = require('node:readline').createInterface({ input: process.stdin });
  const nextLine = () => new Promise((resolve) => lines.once('line', resolve));
  for (let round = 0; round < rounds; round++) {
    if (round > 0) {
      await nextLine();
      await new Promise((resolve) => setTimeout(resolve, 500)); // a few polls
    }
    const sampled = { orders: 0, healthz: 0 };
    for (let i = 0; i < count; i++) {
      for (const [name, key] of [['GET /orders', 'orders'], ['GET /healthz', 'healthz']]) {
        const span = tracer.startSpan(name);
        if (span.isRecording()) sampled[key]++;
        span.end();
      }
    }
    await provider.forceFlush();
    console.log(JSON.stringify(sampled));
  }
  lines.close();
  await provider.shutdown();
  process.exit(0); // the sampler's polling timer would keep the process alive
}

main().catch((err) => { console.error(err); process.exit(1); });
