import { buildClientSchema, getIntrospectionQuery, type IntrospectionQuery } from 'graphql';
import { hostileBody } from './hostile.js';
import { type Finding, finding, judgeHttp } from './judge.js';
import { OperationGenerator } from './operations.js';
import { Random } from './random.js';
import { socketCase } from './websocket.js';

export interface FuzzOptions {
  /** The gateway's GraphQL URL. */
  url: string;
  seed: number;
  count: number;
  /** Callers to play, besides anonymous ones (a user's and an admin's token). */
  tokens: string[];
  /** Cases in flight at once. */
  concurrency?: number;
  /** Resolves when every service still answers (checked after the run: none may have exited). */
  alive: () => Promise<void>;
}

export interface FuzzReport {
  seed: number;
  cases: number;
  byKind: Record<string, number>;
  /** HTTP statuses, and WebSocket close codes as `ws <code>`. */
  outcomes: Record<string, number>;
  findings: Finding[];
  seconds: number;
}

const count = (tally: Record<string, number>, key: string) => (tally[key] = (tally[key] ?? 0) + 1);

/**
 * Seeded fuzzing through the gateway: generated operations over HTTP (POST, and GET for queries),
 * raw bodies that break the request format, and graphql-ws conversations that break the protocol.
 * A finding is a 5xx, an INTERNAL_SERVER_ERROR, anything that leaks internals, or a service that
 * stopped answering.
 */
export async function fuzz(options: FuzzOptions): Promise<FuzzReport> {
  const started = performance.now();
  const introspection = await fetch(options.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: getIntrospectionQuery() }),
  });
  const { data } = (await introspection.json()) as { data: IntrospectionQuery };
  const schema = buildClientSchema(data);
  const report: FuzzReport = { seed: options.seed, cases: 0, byKind: {}, outcomes: {}, findings: [], seconds: 0 };

  const runCase = async (index: number) => {
    // Each case draws from its own seeded source, so any one of them can be replayed alone.
    const random = new Random(options.seed * 1_000_003 + index);
    const operations = new OperationGenerator(schema, random);
    const token = random.chance(0.5) ? random.pick(options.tokens) : undefined;
    const auth: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    const roll = random.next();
    if (roll < 0.1) {
      const outcome = await socketCase(options.url, random, operations.next(), token);
      count(report.byKind, `websocket: ${outcome.script}`);
      count(report.outcomes, `ws ${outcome.closeCode ?? 'open'}`);
      for (const problem of outcome.problems) {
        report.findings.push(
          finding(index, `websocket: ${outcome.script}`, problem, outcome.script, outcome.received.join('\n')),
        );
      }
      return;
    }
    let kind: string;
    let response: Response;
    let request: string;
    if (roll < 0.3) {
      const { body, contentType } = hostileBody(random);
      kind = 'raw body';
      request = body;
      response = await fetch(options.url, { method: 'POST', headers: { 'content-type': contentType, ...auth }, body });
    } else {
      const operation = operations.next();
      if (operation.root === 'query' && random.chance(0.1)) {
        kind = 'GET operation';
        const params = new URLSearchParams({ query: operation.query, variables: JSON.stringify(operation.variables) });
        request = `GET ?${params}`;
        // graphql-over-http: a GET needs a header that a browser cannot send cross-site (CSRF prevention).
        response = await fetch(`${options.url}?${params}`, {
          headers: { 'apollo-require-preflight': 'true', ...auth },
        });
      } else {
        kind = `${operation.root} over HTTP`;
        request = JSON.stringify(operation);
        response = await fetch(options.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...auth },
          body: request,
        });
      }
    }
    const text = await response.text();
    count(report.byKind, kind);
    count(report.outcomes, String(response.status));
    for (const problem of judgeHttp(response.status, text))
      report.findings.push(finding(index, kind, problem, request, text));
  };

  let next = 0;
  const worker = async () => {
    while (next < options.count) {
      const index = next++;
      try {
        await runCase(index);
      } catch (error) {
        // The gateway refused a connection or dropped one: as bad as a 5xx.
        report.findings.push(finding(index, 'transport', String((error as Error).cause ?? error), '', ''));
      }
      report.cases++;
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 8 }, worker));
  try {
    await options.alive();
  } catch (error) {
    report.findings.push(finding(-1, 'process', `a service stopped answering: ${(error as Error).message}`, '', ''));
  }
  report.seconds = (performance.now() - started) / 1000;
  return report;
}

/** The report as the script prints it. */
export function printReport(report: FuzzReport): string {
  const lines = [
    `seed ${report.seed}: ${report.cases} cases in ${report.seconds.toFixed(1)} s`,
    'tried:',
    ...Object.entries(report.byKind)
      .sort(([, a], [, b]) => b - a)
      .map(([kind, n]) => `  ${String(n).padStart(6)}  ${kind}`),
    'answers:',
    ...Object.entries(report.outcomes)
      .sort(([, a], [, b]) => b - a)
      .map(([outcome, n]) => `  ${String(n).padStart(6)}  ${outcome}`),
  ];
  const by = new Map<string, Finding[]>();
  for (const found of report.findings) by.set(found.problem, [...(by.get(found.problem) ?? []), found]);
  lines.push(
    `found: ${report.findings.length} problem(s)${report.findings.length ? '' : ' (no 5xx, no internal error, no leak, every service up)'}`,
  );
  for (const [problem, all] of by) {
    const first = all[0]!;
    lines.push(
      `  ${all.length} × ${problem} (${first.kind}; case ${first.index})`,
      `      request:  ${first.request}`,
      `      response: ${first.response}`,
    );
  }
  return lines.join('\n');
}
