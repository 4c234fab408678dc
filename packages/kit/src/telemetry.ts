// OpenTelemetry traces, when an OTLP endpoint is configured (OTEL_EXPORTER_OTLP_ENDPOINT or
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, plus the SDK's other OTEL_* settings, OTEL_TRACES_SAMPLER
// and OTEL_TRACES_SAMPLER_ARG among them). Every main.ts imports
// this module first (`import '@switchyard/kit/telemetry'`), so the instrumentations patch http,
// undici, express, pg and graphql before anything loads them. The service is named by
// OTEL_SERVICE_NAME, else by its folder (gateway, users, ...).
import { basename, dirname } from 'node:path';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { GraphQLInstrumentation } from '@opentelemetry/instrumentation-graphql';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { onShutdown } from './shutdown.js';

const endpoint = process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? process.env.OTEL_EXPORTER_OTLP_ENDPOINT;

if (endpoint && process.env.OTEL_SDK_DISABLED !== 'true') {
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
      // Probes and scrapes are not requests anyone traces.
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req) => /^\/(health|ready|metrics)\b/.test(req.url ?? ''),
      }),
      new UndiciInstrumentation(),
      new ExpressInstrumentation(),
      // SQL inside a traced request or job only, not every poll of a queue.
      new PgInstrumentation({ requireParentSpan: true }),
      new GraphQLInstrumentation({ mergeItems: true, ignoreTrivialResolveSpans: true }),
    ],
  });
  sdk.start();
  onShutdown(() => sdk.shutdown());
}
