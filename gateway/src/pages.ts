import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ApolloServerPlugin } from '@apollo/server';
import compression from 'compression';
import express, { type Express } from 'express';

/**
 * What the gateway serves to browsers: the IDEs (Sandbox's landing page, GraphiQL) go together,
 * off in production unless SANDBOX says otherwise; the dashboard is for everyone unless DASHBOARD=false.
 * `npm start` lists the same.
 */
export function servedPages(env: { NODE_ENV: string; SANDBOX?: boolean; DASHBOARD: boolean }): {
  sandbox: boolean;
  pages: string[];
} {
  const sandbox = env.SANDBOX ?? env.NODE_ENV !== 'production';
  return { sandbox, pages: [...(sandbox ? ['graphiql'] : []), ...(env.DASHBOARD ? ['dashboard'] : [])] };
}

// The pages are ours alone: no other site may frame them (the dashboard has admin buttons).
const PAGE_HEADERS = {
  'content-security-policy': "frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
};

/**
 * Serves the bundled pages (`/graphiql`, ...) and their assets from this host, so they work with
 * no network beyond the gateway. A page not built yet says how to build it.
 */
export function mountPages(app: Express, pages: string[], sandbox: boolean): void {
  // The root is where a person looks first: the landing page (Sandbox, with links to the pages),
  // else the dashboard.
  const home = sandbox ? '/graphql' : pages.includes('dashboard') ? '/dashboard' : undefined;
  if (home) app.get('/', (_req, res) => res.redirect(302, home));
  if (!pages.length) return;
  // Where `npm run build` puts them (clients/web), bundled with all they load.
  const dist = join(dirname(require.resolve('@switchyard/web/package.json')), 'dist');
  // Hashed names: an asset never changes under its name.
  app.use(
    '/ui',
    // Monaco alone is 2.8 MB; compressed, a quarter of that (once per browser: names are hashed).
    compression(),
    express.static(join(dist, 'ui'), {
      immutable: true,
      maxAge: '365d',
      index: false,
      setHeaders: (res) => res.set('x-content-type-options', 'nosniff'),
    }),
  );
  for (const page of pages) {
    const index = join(dist, page, 'index.html');
    app.get([`/${page}`, `/${page}/`], (_req, res) => {
      if (!existsSync(index)) {
        res.status(503).type('text').send(`/${page} is not built: run npm run build`);
        return;
      }
      res.set({ ...PAGE_HEADERS, 'cache-control': 'no-cache' }).sendFile(index);
    });
  }
}

const SANDBOX_SCRIPT =
  'https://embeddable-sandbox.cdn.apollographql.com/_latest/embeddable-sandbox.umd.production.min.js';

/**
 * The landing page at /graphql: Apollo Sandbox when this browser can load it from Apollo's CDN;
 * when it cannot, a plain word saying so, with GraphiQL (bundled, works offline) one click away.
 */
export function landingPagePlugin(pages: string[]): ApolloServerPlugin {
  const links = pages.map((page) => `<a href="/${page}">/${page}</a>`).join(' · ');
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<title>Switchyard</title>
<style>
  html, body { height: 100%; margin: 0; font-family: system-ui, sans-serif; }
  body { display: flex; flex-direction: column; }
  header { padding: 0.5rem 1rem; border-bottom: 1px solid #ddd; }
  #offline { display: none; padding: 2rem 1rem; max-width: 48rem; }
  #sandbox { flex: 1; }
</style>
</head>
<body>
<header>Switchyard GraphQL · ${links}</header>
<div id="offline" role="alert">
  <h1>Apollo Sandbox cannot be loaded here</h1>
  <p>Sandbox comes from Apollo's CDN (embeddable-sandbox.cdn.apollographql.com), which this browser
  cannot reach. GraphiQL is bundled with Switchyard and works without it:
  <a href="/graphiql">open GraphiQL at /graphiql</a>.</p>
</div>
<div id="sandbox"></div>
<script>
  // A network that drops packets instead of refusing them never calls onerror: give up after 10 s.
  var waiting = setTimeout(offline, 10000);
  function offline() { clearTimeout(waiting); document.getElementById('offline').style.display = 'block'; }
  function sandbox() {
    clearTimeout(waiting);
    new window.EmbeddedSandbox({ target: '#sandbox', initialEndpoint: location.origin + location.pathname, includeCookies: false });
  }
</script>
<script async src="${SANDBOX_SCRIPT}" onload="sandbox()" onerror="offline()"></script>
</body>
</html>`;
  return {
    async serverWillStart() {
      return { renderLandingPage: async () => ({ html }) };
    },
  };
}
