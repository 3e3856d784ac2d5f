// Two Node services with the official JS SDK: "web-frontend" exports OTLP/HTTP JSON, and
// "inventory-backend" (a child process) exports OTLP/gRPC. The frontend calls the backend over
// real HTTP with a W3C `traceparent` header, so both services' spans belong to one trace.
//
// Usage: node two_services.cjs --http http://HOST:PORT --grpc http://HOST:PORT
// Prints one JSON line: {"traceId": ..., "frontendSpans": [...], "backendSpans": [...]}.
'use strict';

const http = require('node:http');
const { spawn } = require('node:child_process');
const { context, propagation, trace, SpanKind, SpanStatusCode } = require('@opentelemetry/api');
const { W3CTraceContextPropagator } = require('@opentelemetry/core');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { TracerProvider, BatchSpanProcessor } = require('@opentelemetry/sdk-trace');

function arg(name) {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

propagation.setGlobalPropagator(new W3CTraceContextPropagator());

function provider(serviceName, exporter) {
  return new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName, 'service.version': '3.4.5' }),
    spanProcessors: [new BatchSpanProcessor({ exporter })],
  });
}

function spanIdOf(span) {
  return span.spanContext().spanId;
}

async function runBackend() {
  const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-grpc');
  const tp = provider('inventory-backend', new OTLPTraceExporter({ url: arg('--grpc') }));
  const tracer = tp.getTracer('inventory', '1.0.0');
  const spans = [];
  const server = http.createServer((req, res) => {
    if (req.url === '/shutdown') {
      res.end();
      server.close(async () => {
        await tp.forceFlush();
        await tp.shutdown();
        process.stdout.write(JSON.stringify({ backendSpans: spans }) + '\n');
      });
      return;
    }
    const parent = propagation.extract(context.active(), req.headers);
    const span = tracer.startSpan('GET /inventory', {
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': 'GET', 'http.route': '/inventory', 'http.response.status_code': 200 },
    }, parent);
    const db = tracer.startSpan('SELECT inventory', {
      kind: SpanKind.CLIENT,
      attributes: { 'db.system.name': 'postgresql', 'db.query.text': 'SELECT qty FROM inventory WHERE sku = $1' },
    }, trace.setSpan(parent, span));
    db.end();
    span.end();
    spans.push(spanIdOf(span), spanIdOf(db));
    res.end(JSON.stringify({ qty: 7 }));
  });
  server.listen(0, '127.0.0.1', () => {
    process.stdout.write(JSON.stringify({ port: server.address().port }) + '\n');
  });
}

function get(port, path, headers) {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

function readLine(stream) {
  return new Promise((resolve) => {
    let buffer = '';
    const onData = (chunk) => {
      buffer += chunk;
      const nl = buffer.indexOf('\n');
      if (nl >= 0) {
        stream.off('data', onData);
        resolve(JSON.parse(buffer.slice(0, nl)));
      }
    };
    stream.on('data', onData);
  });
}

async function runFrontend() {
  const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http');
  const backend = spawn(process.execPath, [__filename, '--role', 'backend', '--grpc', arg('--grpc')],
                        { stdio: ['ignore', 'pipe', 'inherit'] });
  backend.stdout.setEncoding('utf8');
  const { port } = await readLine(backend.stdout);

  const tp = provider('web-frontend', new OTLPTraceExporter({ url: arg('--http') + '/v1/traces' }));
  const tracer = tp.getTracer('frontend', '2.0.0');
  const root = tracer.startSpan('POST /checkout', {
    kind: SpanKind.SERVER,
    attributes: { 'http.request.method': 'POST', 'http.route': '/checkout', 'cart.items': 2 },
  });
  const rootCtx = trace.setSpan(context.active(), root);
  const call = tracer.startSpan('GET', { kind: SpanKind.CLIENT, attributes: { 'url.full': `http://127.0.0.1:${port}/inventory` } }, rootCtx);
  const headers = {};
  propagation.inject(trace.setSpan(rootCtx, call), headers);
  await get(port, '/inventory', headers);
  call.end();
  root.addEvent('inventory checked', { 'inventory.qty': 7 });
  root.setStatus({ code: SpanStatusCode.OK });
  root.end();

  const backendDone = readLine(backend.stdout);
  await get(port, '/shutdown', {});
  const { backendSpans } = await backendDone;
  await tp.forceFlush();
  await tp.shutdown();
  process.stdout.write(JSON.stringify({
    traceId: root.spanContext().traceId,
    frontendSpans: [spanIdOf(root), spanIdOf(call)],
    backendSpans,
  }) + '\n');
}

(arg('--role') === 'backend' ? runBackend() : runFrontend()).catch((error) => {
  console.error(error);
  process.exit(1);
});
