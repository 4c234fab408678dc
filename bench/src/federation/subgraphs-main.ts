// Child process of bench:gateway: the four subgraphs on free ports, plus an admin port answering
// GET /counts with each subgraph's Counts. Tells the parent its URLs over IPC, and exits with it.
import { createServer } from 'node:http';
import { type Counts, listen, serveSubgraph } from './serve.js';
import { SUBGRAPHS, subgraphSchema } from './subgraphs.js';

/** What the parent receives once everything listens. */
export interface SubgraphsReady {
  urls: Record<string, string>;
  admin: string;
}

async function main() {
  const counts: Record<string, Counts> = {};
  const urls: Record<string, string> = {};
  for (const name of SUBGRAPHS) {
    counts[name] = { requests: 0, representations: 0 };
    const subgraph = await serveSubgraph(subgraphSchema(name), counts[name]);
    urls[name] = subgraph.url;
  }
  const admin = await listen(
    createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(counts));
    }),
  );

  // Nothing here is worth draining: on a signal, or once the parent is gone, just go.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => process.exit(0));
  process.on('disconnect', () => process.exit(0));
  process.send!({ urls, admin: admin.url } satisfies SubgraphsReady);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
