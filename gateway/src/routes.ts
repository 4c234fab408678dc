import { Agent, request } from 'node:http';
import { pipeline } from 'node:stream';
import type { Logger } from '@switchyard/kit';
import type { Express, Request, Response } from 'express';

export interface HttpRoute {
  prefix: string;
  subgraph: string;
}

/** `/uploads=benchmarks,/documents=benchmarks`: path prefix → subgraph name. */
export function parseRoutes(text: string): HttpRoute[] {
  return text
    .split(',')
    .filter((entry) => entry.trim())
    .map((entry) => {
      const [prefix, subgraph] = entry.split('=').map((s) => s.trim());
      if (!prefix?.startsWith('/') || !subgraph) throw new Error(`"${entry}" is not /prefix=subgraph`);
      return { prefix: prefix.replace(/\/$/, ''), subgraph };
    });
}

/** `name → url` of every subgraph a composed supergraph names (its join__Graph values). */
export function subgraphUrls(supergraphSdl: string): Record<string, string> {
  const urls: Record<string, string> = {};
  for (const [, name, url] of supergraphSdl.matchAll(/@join__graph\(name: "([^"]+)", url: "([^"]+)"\)/g)) {
    urls[name!] = url!;
  }
  return urls;
}

const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'upgrade', 'te', 'trailer'];
const agent = new Agent({ keepAlive: true });

/**
 * Passes HTTP routes (uploads, downloads, exports) through to the subgraph that serves them,
 * streaming both ways with the caller's headers (Authorization included) and X-Forwarded-*, so
 * the subgraph can verify the caller and build public URLs. The gateway knows only the table.
 */
export function mountHttpRoutes(
  app: Express,
  routes: HttpRoute[],
  urlOf: (subgraph: string) => string | undefined,
  logger: Logger,
): void {
  for (const route of routes) {
    app.use(route.prefix, (req: Request, res: Response) => {
      const base = urlOf(route.subgraph);
      if (!base) {
        res.status(404).json({ error: `no subgraph "${route.subgraph}" in the supergraph`, code: 'NOT_FOUND' });
        return;
      }
      const target = new URL(req.originalUrl, base);
      const headers = { ...req.headers };
      for (const name of HOP_BY_HOP) delete headers[name];
      headers.host = target.host;
      headers['x-forwarded-host'] ??= req.headers.host;
      headers['x-forwarded-proto'] ??= req.protocol;
      headers['x-forwarded-for'] = [req.headers['x-forwarded-for'], req.socket.remoteAddress]
        .filter(Boolean)
        .join(', ');
      headers['x-request-id'] = String(res.locals.requestId ?? '');
      const upstream = request(target, { method: req.method, headers, agent }, (answer) => {
        const out = { ...answer.headers };
        for (const name of HOP_BY_HOP) delete out[name];
        res.writeHead(answer.statusCode ?? 502, out);
        pipeline(answer, res, () => undefined);
      });
      upstream.on('error', (error) => {
        logger.warn({ err: error, subgraph: route.subgraph, path: req.originalUrl }, 'route forwarding failed');
        if (!res.headersSent) res.status(502).json({ error: `${route.subgraph} is unavailable`, code: 'BAD_GATEWAY' });
        else res.destroy();
      });
      pipeline(req, upstream, () => undefined);
    });
  }
}
