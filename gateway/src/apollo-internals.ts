import { createRequire } from 'node:module';

/**
 * A module of @apollo/gateway's own dependency tree, as the gateway loads it (its own copy, should
 * it ever have one): where the gateway offers no hook, the few places that replace or reuse its
 * internals (variable-check, direct-answer, one-of-introspection) reach them here.
 */
export function apolloInternal<T>(path: string): T {
  const fromGateway = createRequire(createRequire(__filename).resolve('@apollo/gateway'));
  return fromGateway(path) as T;
}

interface Span {
  end(): void;
}

/** @apollo/gateway's own tracer and span names, so our replacements keep its spans. */
export function gatewayTracing() {
  return apolloInternal<{
    tracer: {
      startActiveSpan<T>(name: string, run: (span: Span) => T): T;
      startActiveSpan<T>(name: string, options: { attributes: Record<string, string> }, run: (span: Span) => T): T;
    };
    OpenTelemetrySpanNames: { VALIDATE: string; EXECUTE: string; FETCH: string };
  }>('@apollo/gateway/dist/utilities/opentelemetry');
}
