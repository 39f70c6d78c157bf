import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { HTML_PAGE_CSP } from '../libs/error-handling/src/filter/problem-page';
import { OrderRepository, OrderService, OrdersController } from './support/debug-page-fixture';
import { startFixture, type FixtureApp } from './support/fixture-app';
import { startSampleProcess, type SampleProcess } from './support/sample-process';
import type { DescribeBlock } from './support/services';

/**
 * The debug page in a real browser: Debian's Chromium (/usr/bin/chromium), driven by
 * playwright-core, against fixture apps listening on 127.0.0.1. Without Chromium the browser
 * tests are skipped with the reason in their titles, except under CI=true, where they must run.
 * `UPDATE_SCREENSHOT=1` writes docs/images/debug-page.png from the debug page.
 */
jest.setTimeout(60_000);

const CHROMIUM = '/usr/bin/chromium';
const ROOT = join(__dirname, '..');
const SCREENSHOT = join(ROOT, 'docs', 'images', 'debug-page.png');
const FIXTURE = 'test/support/debug-page-fixture.ts';
const FIXTURE_LINES = readFileSync(join(ROOT, FIXTURE), 'utf8').split('\n');

/** The 1-based number of the fixture's line that holds `text`. */
function fixtureLine(text: string): number {
  const index = FIXTURE_LINES.findIndex((l) => l.includes(text));
  if (index === -1) throw new Error(`no line of ${FIXTURE} holds ${text}`);
  return index + 1;
}

function describeInChromium(): DescribeBlock {
  if (existsSync(CHROMIUM)) return describe;
  if (process.env.CI === 'true') {
    throw new Error(`Required under CI=true: Debian's chromium at ${CHROMIUM} (apt-get install -y chromium)`);
  }
  return (name, fn) =>
    describe.skip(`${name} (skipped: ${CHROMIUM} is missing; install Debian's chromium package)`, fn);
}

async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    // Root in a container has no sandbox; the machine's network is closed, so Chromium must not
    // call home (it would fill its log with refused connections).
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * A page that records console errors and warnings (a CSP violation is one), uncaught page errors
 * and dialogs; Chromium's note that the document itself came with an error status is expected.
 */
async function openPage(context: BrowserContext): Promise<{ page: Page; problems: string[] }> {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() !== 'error' && m.type() !== 'warning') return;
    const ownStatus =
      m.location().url === page.url() && /^Failed to load resource: .* status of 500\b/.test(m.text());
    if (!ownStatus) problems.push(`console ${m.type()}: ${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  return { page, problems };
}

async function listen(f: FixtureApp): Promise<string> {
  await f.app.listen(0, '127.0.0.1');
  const { port } = f.app.getHttpServer().address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}

const TOKEN = `tok-${randomBytes(12).toString('hex')}`;
const BEARER = randomBytes(24).toString('base64url');
const MARKUP = '<img src=x onerror=alert(1)>';

describeInChromium()('the debug page in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(() => browser?.close());

  describe('in debug mode', () => {
    let f: FixtureApp;
    let baseUrl: string;
    let context: BrowserContext;
    let page: Page;
    let problems: string[];
    let status: number | undefined;
    let csp: string | undefined;

    beforeAll(async () => {
      f = await startFixture([OrdersController], { debug: true }, undefined, [OrderService, OrderRepository]);
      baseUrl = await listen(f);
      context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseUrl });
      ({ page, problems } = await openPage(context));
      await page.setExtraHTTPHeaders({ authorization: `Bearer ${BEARER}`, 'x-note': MARKUP });
      const response = await page.goto(`${baseUrl}/orders/42/total?token=${TOKEN}&view=compact`);
      status = response?.status();
      csp = (await response?.allHeaders())?.['content-security-policy'];
    });
    afterAll(async () => {
      await context?.close();
      await f?.close();
    });

    it('answers the browser with the HTML page under its own Content-Security-Policy', () => {
      expect(status).toBe(500);
      expect(csp).toBe(HTML_PAGE_CSP);
      expect(csp).not.toContain('unsafe-inline');
    });

    it('shows the exception and its message', async () => {
      const heading = page.locator('.exc:not(.cause) > h3');
      await expect(heading.textContent()).resolves.toBe('Error: Could not compute the total of order 42');
      expect(await heading.isVisible()).toBe(true);
    });

    it('shows the .ts file and the source lines around the frame that threw, its line highlighted', async () => {
      const frame = page.locator('.exc:not(.cause) .frame.app').first();
      await expect(frame.locator('.file').textContent()).resolves.toBe(FIXTURE);
      const where = await frame.locator('.where').textContent();
      const thrown = fixtureLine('throw new Error(`Could not compute');
      expect(where).toContain(`${FIXTURE}:${thrown}:`);
      expect(where).toContain('in OrderService.total');
      const current = frame.locator('.src .cur');
      expect(await current.isVisible()).toBe(true);
      await expect(current.textContent()).resolves.toBe(`${thrown}${FIXTURE_LINES[thrown - 1]}`);
      // Five lines before and after.
      await expect(frame.locator('.src > div').count()).resolves.toBe(11);
      // The page's own style marks it (this runs in the page: no DOM types here).
      const background = await page.evaluate<string>(
        "getComputedStyle(document.querySelector('.exc .frame.app .src .cur')).backgroundColor",
      );
      expect(background).not.toBe('rgba(0, 0, 0, 0)');
      // The controller's frame is an application frame too, with its own lines.
      const controller = page.locator('.exc:not(.cause) .frame.app', {
        hasText: 'in OrdersController.total',
      });
      await expect(controller.locator('.src .cur').textContent()).resolves.toContain(
        'total: this.orders.total(id)',
      );
    });

    it('folds library frames into a count that opens on a click', async () => {
      const folds = page.locator('.exc:not(.cause) details.lib');
      expect(await folds.count()).toBeGreaterThan(0);
      const fold = folds.first();
      const summary = await fold.locator('summary').textContent();
      expect(summary).toMatch(/^(\d+ library frames|1 library frame)$/);
      const frames = fold.locator('li');
      const count = await frames.count();
      expect(summary).toBe(count === 1 ? '1 library frame' : `${count} library frames`);
      expect(await frames.first().isVisible()).toBe(false);
      await fold.locator('summary').click();
      expect(await frames.first().isVisible()).toBe(true);
      await expect(frames.first().textContent()).resolves.toMatch(/node_modules|node:/);
    });

    it('shows the cause chain, each cause with its own frames and source lines', async () => {
      const cause = page.locator('.exc.cause');
      await expect(cause.count()).resolves.toBe(1);
      await expect(cause.locator('h3').textContent()).resolves.toMatch(
        /^Caused by: ConnectionRefusedError: connect ECONNREFUSED 127\.0\.0\.1:5432/,
      );
      const frame = cause.locator('.frame.app').first();
      await expect(frame.locator('.where').textContent()).resolves.toContain(
        `${FIXTURE}:${fixtureLine('throw new ConnectionRefusedError(')}:`,
      );
      await expect(frame.locator('.src .cur').textContent()).resolves.toContain(
        'throw new ConnectionRefusedError(',
      );
    });

    it('redacts a secret in a source line, the headers and the query', async () => {
      const body = (await page.locator('body').textContent()) as string;
      expect(body).not.toContain('correct-horse-battery-staple');
      expect(body).not.toContain(TOKEN);
      expect(body).not.toContain(BEARER);
      const secretLine = page.locator('.exc.cause .frame.app .src > div', { hasText: 'const dbPassword' });
      await expect(secretLine.textContent()).resolves.toContain(`const dbPassword = '[REDACTED]'`);
      const headers = page.locator('table.kv');
      await expect(
        headers.locator('tr', { hasText: 'authorization' }).locator('td').textContent(),
      ).resolves.toBe('[REDACTED]');
      await expect(page.locator('section.debug p code').textContent()).resolves.toBe(
        'GET /orders/42/total?token=[REDACTED]&view=compact',
      );
      expect(body).toContain('"token": "[REDACTED]"');
    });

    it('shows markup from the request as text, never as markup', async () => {
      const note = page.locator('table.kv tr', { hasText: 'x-note' }).locator('td');
      await expect(note.textContent()).resolves.toBe(MARKUP);
      await expect(page.locator('section.debug img').count()).resolves.toBe(0);
    });

    it('copies the plain-text report to the clipboard', async () => {
      const button = page.locator('#fl-copy');
      expect(await button.isVisible()).toBe(true);
      await button.click();
      await page.locator('#fl-copy-status', { hasText: 'Copied to the clipboard' }).waitFor();
      const copied = await page.evaluate<string>('navigator.clipboard.readText()');
      await expect(page.locator('#fl-report').inputValue()).resolves.toBe(copied);
      const requestId = await page.locator('dd code').nth(1).textContent();
      expect(copied).toContain(`Request ID: ${requestId}`);
      expect(copied).toMatch(/^500 Internal Server Error\nCode: INTERNAL_ERROR\n/);
      expect(copied).toContain('\nError: Could not compute the total of order 42\n');
      expect(copied).toMatch(
        new RegExp(
          `\\n    at OrderService\\.total \\(${FIXTURE.replace(/\./g, '\\.')}:${fixtureLine('throw new Error(`Could not compute')}:\\d+\\)\\n`,
        ),
      );
      expect(copied).toContain('\nCaused by: ConnectionRefusedError: connect ECONNREFUSED');
      expect(copied).toContain('\nRequest: GET /orders/42/total?token=[REDACTED]&view=compact\n');
      expect(copied).toContain('\n  authorization: [REDACTED]\n');
      expect(copied).not.toContain(TOKEN);
      expect(copied).not.toContain(BEARER);
      expect(copied).not.toContain('correct-horse-battery-staple');
    });

    it('keeps the report readable without script, in a folded text area', async () => {
      const report = page.locator('details.report');
      await expect(report.locator('summary').textContent()).resolves.toBe(
        'Report as text (for a bug report)',
      );
      await expect(page.locator('#fl-report').getAttribute('readonly')).resolves.not.toBeNull();
    });

    it('logs no console error, CSP violation or page error', () => {
      expect(problems).toEqual([]);
    });

    it('writes docs/images/debug-page.png with UPDATE_SCREENSHOT=1', async () => {
      if (process.env.UPDATE_SCREENSHOT !== '1') return;
      // A fresh page: nothing unfolded or copied, the way a developer first sees it.
      const { page: fresh } = await openPage(context);
      await fresh.setExtraHTTPHeaders({ authorization: `Bearer ${BEARER}` });
      await fresh.goto(`${baseUrl}/orders/42/total?token=${TOKEN}&view=compact`);
      mkdirSync(dirname(SCREENSHOT), { recursive: true });
      await fresh.screenshot({ path: SCREENSHOT, fullPage: true });
      await fresh.close();
    });
  });

  describe('outside debug mode', () => {
    let f: FixtureApp;
    let context: BrowserContext;

    beforeAll(async () => {
      f = await startFixture([OrdersController], { debug: false }, undefined, [
        OrderService,
        OrderRepository,
      ]);
      context = await browser.newContext();
    });
    afterAll(async () => {
      await context?.close();
      await f?.close();
    });

    it('shows the plain page: no exception, source lines, frames, request or copy button', async () => {
      const baseUrl = await listen(f);
      const { page, problems } = await openPage(context);
      const response = await page.goto(`${baseUrl}/orders/42/total?token=${TOKEN}`);
      expect(response?.status()).toBe(500);
      await expect(page.locator('h1').textContent()).resolves.toBe('Internal Server Error 500');
      const html = await page.content();
      for (const internal of [
        'section class="debug"',
        'fl-copy',
        'debug-page-fixture',
        'ConnectionRefusedError',
        'Could not compute',
        'ECONNREFUSED',
        TOKEN,
        '<script',
      ]) {
        expect(html).not.toContain(internal);
      }
      expect(problems).toEqual([]);
    });
  });
});

describe('the debug page of the built sample app (compiled JavaScript with source maps)', () => {
  let app: SampleProcess;
  beforeAll(async () => {
    // NODE_ENV=production with debug forced on: a plain `node dist/…/main.js`, no --enable-source-maps.
    app = await startSampleProcess({ FAULTLINE_DEBUG: '1', DEMO_FAULTS: '1', LOG_FORMAT: 'json' });
  });
  afterAll(() => app?.stop());

  it("shows the .ts line that threw, mapped from the compiled file's source map", async () => {
    const res = await fetch(`${app.baseUrl}/demo/boom`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(500);
    const html = await res.text();
    const source = 'apps/sample/src/demo/demo.controller.ts';
    const lines = readFileSync(join(ROOT, source), 'utf8').split('\n');
    const thrown = lines.findIndex((l) => l.includes("throw new Error('Kaboom")) + 1;
    expect(html).toContain(`<span class="file" title="${join(ROOT, source)}">${source}</span>:${thrown}:`);
    expect(html).toMatch(/\(compiled dist\/apps\/sample\/demo\/demo\.controller\.js:\d+:\d+\)/);
    expect(html).toContain(
      `<div class="cur" aria-current="true"><span class="n">${thrown}</span>    throw new Error(&#39;Kaboom`,
    );
  });
});
