import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface Metrics {
  registry: Registry;
  requests: Counter<'operation' | 'outcome'>;
  duration: Histogram<'operation'>;
  errors: Counter<'code'>;
  dbQueries: Counter;
  subscriptions: Gauge;
}

/** One registry per service, so several services can share a process (as in tests). */
export function createMetrics(service: string): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    requests: new Counter({
      name: 'graphql_requests_total',
      help: 'GraphQL requests by operation name and outcome (success or error).',
      labelNames: ['operation', 'outcome'],
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'graphql_request_duration_seconds',
      help: 'GraphQL request duration by operation name.',
      labelNames: ['operation'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    errors: new Counter({
      name: 'graphql_errors_total',
      help: 'GraphQL errors by code.',
      labelNames: ['code'],
      registers: [registry],
    }),
    dbQueries: new Counter({
      name: 'db_queries_total',
      help: 'SQL statements sent to PostgreSQL.',
      registers: [registry],
    }),
    subscriptions: new Gauge({
      name: 'graphql_subscriptions_active',
      help: 'GraphQL subscriptions running over WebSocket.',
      registers: [registry],
    }),
  };
}
