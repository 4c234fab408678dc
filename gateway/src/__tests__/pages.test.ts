// The gateway's own pages in a real browser with the network closed: nothing they need may come
// from anywhere but the gateway.
import { randomUUID } from 'node:crypto';
import { createEventBus, type EventBus } from '@switchyard/kit';
import { launchChromium, offlineContext, screenshot, waitFor, whereChromium } from '@switchyard/testing';
import { alertRaised } from '@switchyard/users/events';
import type { Browser, Locator, Page } from 'playwright-core';
import { newUser, useStack } from './stack.js';

const SANDBOX_CDN = 'https://embeddable-sandbox.cdn.apollographql.com/';

/** Replaces what a GraphiQL editor (Monaco) holds, as a person typing would. */
async function fill(page: Page, editor: Locator, text: string) {
  await editor.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.insertText(text);
  // What the editor closed by itself (brackets, quotes) after the cursor.
  await page.keyboard.press('Shift+ControlOrMeta+End');
  await page.keyboard.press('Delete');
}

/** Waits for `text` in GraphiQL's response pane; if it never comes, says what is there instead. */
async function shows(response: Locator, text: string) {
  await response
    .getByText(text)
    .waitFor({ timeout: 30_000 })
    .catch(async (error: Error) =>
      Promise.reject(new Error(`${error.message}; it shows ${await response.innerText()}`)),
    );
}

whereChromium(describe, describe.skip)("the gateway's pages, offline", () => {
  const run = useStack();
  let browser: Browser;
  let bus: EventBus;
  const origin = () => new URL(run.gateway.url).origin;
  beforeAll(async () => {
    browser = await launchChromium();
    bus = await createEventBus({ databaseUrl: run.db });
  });
  afterAll(async () => {
    await browser?.close();
    await bus?.close();
  });

  it('landing page: says plainly that Apollo Sandbox cannot load, and links to GraphiQL', async () => {
    const { context, refused } = await offlineContext(browser, origin());
    const page = await context.newPage();
    await page.goto(run.gateway.url);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.innerText()).toMatch(/cannot reach/);
    expect(await alert.getByRole('link').getAttribute('href')).toBe('/graphiql');
    expect(refused.every((url) => url.startsWith(SANDBOX_CDN))).toBe(true);
    await context.close();
  });

  it('landing page: gives up on a CDN that never answers, and says so', async () => {
    const { context } = await offlineContext(browser, origin());
    // Packets dropped rather than refused: the script's request neither loads nor fails.
    await context.route(`${SANDBOX_CDN}**`, () => new Promise(() => undefined));
    const page = await context.newPage();
    // Not to `load`, which waits for the script.
    await page.goto(run.gateway.url, { waitUntil: 'domcontentloaded' });
    await page.getByRole('alert').waitFor({ timeout: 30_000 });
    await context.close();
  });

  it('serves the pages with headers that keep other sites from framing them', async () => {
    const response = await fetch(`${origin()}/graphiql`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toBe("frame-ancestors 'none'");
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    const [script] = /\/ui\/[^"]+\.js/.exec(await response.text())!;
    const asset = await fetch(`${origin()}${script}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(asset.headers.get('content-encoding')).toBe('gzip');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    // The root leads to the landing page, which links to the others.
    const root = await fetch(`${origin()}/`, { redirect: 'manual' });
    expect([root.status, root.headers.get('location')]).toEqual([302, '/graphql']);
  });

  it('landing page: offers Apollo Sandbox where its CDN answers', async () => {
    // Apollo's script, as far as the page can tell: it is given the target and this endpoint.
    const script = `window.EmbeddedSandbox = function (o) { document.querySelector(o.target).textContent = 'Sandbox on ' + o.initialEndpoint; };`;
    const { context } = await offlineContext(browser, origin(), (url) =>
      url.startsWith(SANDBOX_CDN) ? { body: script, contentType: 'text/javascript' } : undefined,
    );
    const page = await context.newPage();
    await page.goto(run.gateway.url);
    await page.getByText(`Sandbox on ${run.gateway.url}`).waitFor();
    expect(await page.getByRole('alert').isVisible()).toBe(false);
    await context.close();
  });

  it('GraphiQL: runs a query with the Authorization header typed in, and receives a subscription event', async () => {
    const user = await newUser(run.client, 'graphiql');
    const { context, refused } = await offlineContext(browser, origin());
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${origin()}/graphiql`);
    const query = page.locator('.graphiql-query-editor .monaco-editor');
    await page.getByRole('button', { name: 'Headers' }).click();
    await fill(
      page,
      page.getByRole('region', { name: 'Headers' }).getByRole('code'),
      JSON.stringify({ Authorization: `Bearer ${user.token}` }),
    );
    await fill(page, query, '{ me { email } }');
    const response = page.locator('.graphiql-response');
    await page.keyboard.press('ControlOrMeta+Enter');
    await shows(response, user.email);

    await fill(page, query, 'subscription { alertTriggered { id kind } }');
    await page.keyboard.press('ControlOrMeta+Enter');
    const id = randomUUID();
    // Published until it arrives: the subscription may not have reached the subgraph yet.
    await waitFor(
      async () => {
        await bus.publish(alertRaised, {
          id,
          userId: user.id,
          symbol: 'ACME',
          kind: 'HIGH',
          price: 2,
          threshold: 1,
          triggeredAt: new Date().toISOString(),
        });
        return response.getByText(id).isVisible();
      },
      15_000,
      'the alert in GraphiQL',
    ).catch(async (error: Error) =>
      Promise.reject(new Error(`${error.message}; it shows ${await response.innerText()}`)),
    );
    await screenshot(page, 'graphiql');
    expect(errors).toEqual([]);
    expect(refused).toEqual([]);
    await context.close();
  });
});
