import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`), or the one CHROMIUM_PATH names. */
export const chromiumPath =
  process.env.CHROMIUM_PATH ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find(existsSync);

/**
 * `run` (describe) where Chromium is installed; elsewhere `skip` (describe.skip), saying why and
 * how to install it (.ci/run does).
 */
export function whereChromium<D>(run: D, skip: D): D {
  if (chromiumPath) return run;
  console.warn('browser tests skipped: no Chromium (apt-get install chromium, or set CHROMIUM_PATH)');
  return skip;
}

/** Headless Chromium as root can run it: no sandbox, and no calls home. */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-dev-shm-usage'],
  });
}

/**
 * A browser context with the network closed: requests to `origin` go through, every other one
 * fails as it would offline, and is counted. `elsewhere` may answer some of them instead.
 */
export async function offlineContext(
  browser: Browser,
  origin: string,
  elsewhere?: (url: string) => { body: string; contentType: string } | undefined,
): Promise<{ context: BrowserContext; refused: string[] }> {
  const context = await browser.newContext();
  const refused: string[] = [];
  await context.route(
    (url) => url.origin !== origin,
    async (route) => {
      const answer = elsewhere?.(route.request().url());
      if (answer) return route.fulfill({ status: 200, ...answer });
      refused.push(route.request().url());
      await route.abort('internetdisconnected');
    },
  );
  // WebSockets are not routed by `route`; to other hosts they are closed the same way.
  await context.routeWebSocket(
    (url) => url.host !== new URL(origin).host,
    (ws) => {
      refused.push(ws.url());
      ws.close();
    },
  );
  return { context, refused };
}

/** Saves what `page` shows under .data/screenshots (or SCREENSHOT_DIR); returns the file. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const dir = process.env.SCREENSHOT_DIR ?? join(__dirname, '..', '..', '..', '.data', 'screenshots');
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
