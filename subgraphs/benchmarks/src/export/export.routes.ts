import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { requireCaller, route, type RouteDeps } from '@switchyard/kit';
import { stringify } from 'csv-stringify';
import type { Express, Request, Response } from 'express';

const COLUMNS = [
  'id',
  'hostname',
  'machine_id',
  'vendor',
  'model',
  'first_seen_at',
  'last_seen_at',
  'best_score',
  'latest_ran_at',
  'latest_global_score',
  'latest_cpu',
  'latest_mem',
  'latest_disk',
  'latest_net',
  'latest_gpu',
];

/** A timestamptz as GraphQL's DateTime shows it (ISO 8601 in UTC, milliseconds), not PostgreSQL's text. */
const iso = (column: string, as: string) =>
  `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as ${as}`;

const EXPORT_SQL = `/* exportDevices */ select d.id, d.hostname, d.machine_id, d.vendor, d.model,
    ${iso('d.first_seen_at', 'first_seen_at')}, ${iso('d.last_seen_at', 'last_seen_at')}, d.best_score,
    ${iso('b.ran_at', 'latest_ran_at')}, b.global_score as latest_global_score,
    b.cpu as latest_cpu, b.mem as latest_mem, b.disk as latest_disk, b.net as latest_net, b.gpu as latest_gpu
  from devices d left join benchmarks b on b.id = d.latest_benchmark_id
  order by d.hostname, d.id`;

/** Rows as one JSON array, written as they come. */
function jsonArray(): Transform {
  let first = true;
  return new Transform({
    writableObjectMode: true,
    transform(row, _encoding, done) {
      done(null, `${first ? '[\n' : ',\n'}${JSON.stringify(row)}`);
      first = false;
    },
    flush(done) {
      done(null, first ? '[]\n' : '\n]\n');
    },
  });
}

/**
 * GET /exports/devices.csv|json — every device with its latest benchmark, streamed from a
 * server-side cursor: memory stays flat however many devices there are.
 */
async function exportDevices(req: Request, res: Response, deps: RouteDeps, format: 'csv' | 'json') {
  if (!(await requireCaller(req, res, deps.caller))) return;
  // knex streams rows through pg-query-stream: a server-side cursor, a batch at a time.
  const rows = deps.orm.em.getKnex().raw(EXPORT_SQL).stream({ batchSize: 500 }) as unknown as NodeJS.ReadableStream;
  res.setHeader('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json');
  res.setHeader('content-disposition', `attachment; filename="devices.${format}"`);
  const encode =
    format === 'csv'
      ? stringify({
          header: true,
          columns: COLUMNS,
          // A leading = + - @ would run as a formula in a spreadsheet.
          cast: { date: (d) => d.toISOString(), string: (v) => (/^[=+\-@\t\r]/.test(v) ? `'${v}` : v) },
        })
      : jsonArray();
  await pipeline(rows, encode, res);
}

export function exportRoutes(app: Express, deps: RouteDeps): void {
  for (const format of ['csv', 'json'] as const) {
    app.get(
      `/exports/devices.${format}`,
      route(deps.logger, (req, res) => exportDevices(req, res, deps, format)),
    );
  }
}
