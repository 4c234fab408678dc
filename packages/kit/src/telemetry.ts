// OpenTelemetry traces, when an OTLP endpoint is configured (OTEL_EXPORTER_OTLP_ENDPOINT or
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, plus the SDK's other OTEL_* settings, OTEL_TRACES_SAMPLER
// and OTEL_TRACES_SAMPLER_ARG among them). Every main.ts imports this module first
// (`import '@switchyard/kit/telemetry'`), so the instrumentations patch http, undici, express, pg
// and graphql before anything loads them. The service is named by OTEL_SERVICE_NAME, else by its
// folder (gateway, users, ...).
const endpoint = process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? process.env.OTEL_EXPORTER_OTLP_ENDPOINT;

if (endpoint && process.env.OTEL_SDK_DISABLED !== 'true') {
  // Loaded only here: the SDK and its instrumentations weigh about 40 MB that an untraced
  // service should not carry, and they must start before anything else loads (so not `import()`).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require('./tracing.js') as typeof import('./tracing.js')).startTracing();
}
