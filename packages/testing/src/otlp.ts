import { createServer } from 'node:http';
import { freePort } from './services.js';

export interface ExportedSpan {
  service: string;
  traceId: string;
  name: string;
}

/** An OTLP/HTTP receiver (JSON): keeps every span exported to it, with its service's name. */
export async function startOtlpCollector() {
  const spans: ExportedSpan[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      if (req.url === '/v1/traces') {
        const { resourceSpans = [] } = JSON.parse(body || '{}') as {
          resourceSpans?: Array<{
            resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> };
            scopeSpans: Array<{ spans: Array<{ traceId: string; name: string }> }>;
          }>;
        };
        for (const { resource, scopeSpans } of resourceSpans) {
          const service = resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? '';
          for (const scope of scopeSpans) for (const span of scope.spans) spans.push({ service, ...span });
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${port}`, spans, close: () => new Promise((r) => server.close(r)) };
}
