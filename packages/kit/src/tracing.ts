import { basename, dirname } from 'node:path';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { GraphQLInstrumentation } from '@opentelemetry/instrumentation-graphql';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { onShutdown } from './shutdown.js';

/** Starts the OpenTelemetry SDK (see telemetry.ts, which loads this module only when tracing is on). */
export function startTracing(): void {
  // Unless OTEL_TRACES_SAMPLER says otherwise: follow the caller's decision (traceparent), and
  // begin a trace for one request in ten (OTEL_TRACES_SAMPLER_ARG), so tracing costs little.
  if (!process.env.OTEL_TRACES_SAMPLER) {
    process.env.OTEL_TRACES_SAMPLER = 'parentbased_traceidratio';
    process.env.OTEL_TRACES_SAMPLER_ARG ??= '0.1';
  }
  const sdk = new NodeSDK({
    serviceName: process.env.OTEL_SERVICE_NAME ?? basename(dirname(dirname(process.argv[1] ?? 'switchyard/x/x'))),
    traceExporter: new OTLPTraceExporter(),
    // Traces only: metrics are Prometheus's (/metrics), logs pino's.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      // Probes and scrapes are not requests anyone traces. No Express instrumentation: a span per
      // middleware (CORS, body parser) says nothing the HTTP and GraphQL spans do not, and its
      // wrapper on every layer costs each request, sampled or not.
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req) => /^\/(health|ready|metrics)\b/.test(req.url ?? ''),
      }),
      new UndiciInstrumentation(),
      // SQL inside a traced request or job only, not every poll of a queue.
      new PgInstrumentation({ requireParentSpan: true }),
      new GraphQLInstrumentation({ mergeItems: true, ignoreTrivialResolveSpans: true }),
    ],
  });
  sdk.start();
  onShutdown(() => sdk.shutdown());
}
