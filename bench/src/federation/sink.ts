import { createServer } from 'node:http';
import { listen } from './serve.js';

/** What the OTLP sink took in: export requests, their bytes, and the spans in them. */
export interface SinkCounts {
  exports: number;
  bytes: number;
  spans: number;
}

/**
 * Stands in for an OpenTelemetry collector: answers OTLP/HTTP trace exports (JSON, as kit's
 * exporter sends them) with success and drops them, so tracing costs the gateway what it would
 * in production short of the network.
 */
export async function startTraceSink() {
  const counts: SinkCounts = { exports: 0, bytes: 0, spans: 0 };
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/v1/traces') {
        counts.exports++;
        counts.bytes += Buffer.byteLength(body);
        // Each span carries one "spanId" key ("parentSpanId" does not match with the quote).
        counts.spans += body.split('"spanId"').length - 1;
        res.setHeader('content-type', 'application/json');
        res.end('{}');
      } else {
        res.statusCode = 404;
        res.end();
      }
    });
  });
  const { url, close } = await listen(server);
  return { url, counts, close };
}
