import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ApolloServerPlugin } from '@apollo/server';
import express, { type Express } from 'express';

/** Where `npm run build` puts the pages (clients/web), bundled with all they load. */
const DIST = join(dirname(require.resolve('@switchyard/web/package.json')), 'dist');

/**
 * Serves the bundled pages (`/graphiql`, ...) and their assets from this host, so they work with
 * no network beyond the gateway. A page not built yet says how to build it.
 */
export function mountPages(app: Express, pages: string[], dist = DIST): void {
  if (!pages.length) return;
  // Hashed names: an asset never changes under its name.
  app.use('/ui', express.static(join(dist, 'ui'), { immutable: true, maxAge: '365d', index: false }));
  for (const page of pages) {
    const index = join(dist, page, 'index.html');
    app.get([`/${page}`, `/${page}/`], (_req, res) => {
      if (!existsSync(index)) {
        res.status(503).type('text').send(`/${page} is not built: run npm run build`);
        return;
      }
      res.set('cache-control', 'no-cache').sendFile(index);
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
  function offline() { document.getElementById('offline').style.display = 'block'; }
  function sandbox() {
    new window.EmbeddedSandbox({ target: '#sandbox', initialEndpoint: location.origin + location.pathname, includeCookies: false });
  }
</script>
<script src="${SANDBOX_SCRIPT}" onload="sandbox()" onerror="offline()"></script>
</body>
</html>`;
  return {
    async serverWillStart() {
      return { renderLandingPage: async () => ({ html }) };
    },
  };
}
