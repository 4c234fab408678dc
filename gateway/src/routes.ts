import { Agent, request } from 'node:http';
import { pipeline } from 'node:stream';
import { type Logger, VIEWER_HEADER } from '@switchyard/kit';
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

// RFC 9110 §7.6.1: meant for one connection, never forwarded (framing is Node's to choose).
const HOP_BY_HOP = [
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
];
const agent = new Agent({ keepAlive: true });

/** Drops hop-by-hop headers, including those the Connection header names. */
function endToEnd<T extends Record<string, unknown>>(headers: T): T {
  const copy: Record<string, unknown> = { ...headers };
  const named = String(headers.connection ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase());
  for (const name of [...HOP_BY_HOP, ...named]) delete copy[name];
  return copy as T;
}

/** `..` or `.` segments (however encoded) would step outside the route's prefix. */
function escapesPrefix(path: string): boolean {
  return path.split('/').some((segment) => {
    let decoded = segment;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return true;
    }
    return decoded === '.' || decoded === '..' || decoded.includes('/') || decoded.includes('\\');
  });
}

export interface RouteForwarding {
  /** Believe the caller's X-Forwarded-* (behind a trusted proxy only). */
  trustProxy?: boolean;
  /** The viewer assertion for this request's caller, for that subgraph. */
  viewerFor: (req: Request, subgraph: string) => Promise<string>;
}

/**
 * Passes HTTP routes (uploads, downloads, exports) through to the subgraph that serves them,
 * streaming both ways with the caller's headers and X-Forwarded-*, so the subgraph can build
 * public URLs; the caller's token is confirmed here and replaced by a viewer assertion, as for
 * GraphQL. The gateway knows only the table.
 */
export function mountHttpRoutes(
  app: Express,
  routes: HttpRoute[],
  urlOf: (subgraph: string) => string | undefined,
  logger: Logger,
  { trustProxy = false, viewerFor }: RouteForwarding,
): void {
  for (const route of routes) {
    app.use(route.prefix, async (req: Request, res: Response) => {
      const base = urlOf(route.subgraph);
      if (!base) {
        res.status(404).json({ error: `no subgraph "${route.subgraph}" in the supergraph`, code: 'NOT_FOUND' });
        return;
      }
      // req.url is what follows the prefix; the target is always under that same prefix.
      const [path = '/', query] = req.url.split(/\?(.*)/s);
      if (escapesPrefix(path)) {
        res.status(400).json({ error: 'path segments . and .. are not allowed', code: 'BAD_REQUEST' });
        return;
      }
      const target = new URL(base);
      target.pathname = `${route.prefix}${path === '/' ? '' : path}`;
      target.search = query ? `?${query}` : '';
      const headers = endToEnd(req.headers);
      headers.host = target.host;
      delete headers.authorization;
      headers[VIEWER_HEADER] = await viewerFor(req, route.subgraph);
      // Only a trusted proxy in front of us may say where the caller came from.
      if (!trustProxy || !headers['x-forwarded-host']) headers['x-forwarded-host'] = req.headers.host;
      if (!trustProxy || !headers['x-forwarded-proto']) headers['x-forwarded-proto'] = req.protocol;
      headers['x-forwarded-for'] = [trustProxy ? req.headers['x-forwarded-for'] : undefined, req.socket.remoteAddress]
        .filter(Boolean)
        .join(', ');
      headers['x-request-id'] = String(res.locals.requestId ?? '');
      const upstream = request(target, { method: req.method, headers, agent }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, endToEnd(answer.headers));
        pipeline(answer, res, () => undefined);
      });
      // An upstream that stops talking for two minutes is given up on.
      upstream.setTimeout(120_000, () => upstream.destroy(new Error('upstream timed out')));
      upstream.on('error', (error) => {
        logger.warn({ err: error, subgraph: route.subgraph, path: req.originalUrl }, 'route forwarding failed');
        if (!res.headersSent) res.status(502).json({ error: `${route.subgraph} is unavailable`, code: 'BAD_GATEWAY' });
        else res.destroy();
      });
      pipeline(req, upstream, () => undefined);
    });
  }
}
