import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redactor } from '../redaction/redactor';
import { buildDebugInfo } from './debug-info';
import { DEBUG_SCRIPT } from './debug-page-assets';
import { MAX_EXCERPTS } from './debug-page';
import { EN_CATALOG } from './message-catalogs';
import type { ProblemDebugInfo, ProblemDetails } from './problem-details.interface';
import { renderHtmlPage } from './problem-page';

const redactor = new Redactor();
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'faultline-debug-page-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, lines.join('\n'));
  return path;
}

/** An Error whose stack has the given frames. */
function errorAt(message: string, frames: string[], cause?: unknown): Error {
  const error = new Error(message, cause === undefined ? undefined : { cause });
  error.stack = [`Error: ${message}`, ...frames].join('\n');
  return error;
}

const LIBRARY = [
  '    at Router.handle (/srv/app/node_modules/express/lib/router/index.js:284:7)',
  '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
];

function debugPage(exception: unknown, withRedactor = true): string {
  const debug = buildDebugInfo(
    exception,
    {
      method: 'POST',
      url: '/orders/7?token=tok-1234567890abcdef&q=<b>x</b>',
      headers: { authorization: 'Bearer abcdefghijklmnopqrstuvwxyz0123456789', 'x-note': '<i>hi</i>' },
      query: { token: 'tok-1234567890abcdef', q: '<b>x</b>' },
      body: { password: 'hunter2-hunter2', note: '</textarea><script>alert(1)</script>' },
    } as never,
    redactor,
  );
  const problem: ProblemDetails = {
    type: 'about:blank',
    title: 'Internal Server Error',
    status: 500,
    detail: 'An unexpected error occurred.',
    instance: '/orders/7',
    code: 'INTERNAL_ERROR',
    requestId: 'req-1',
    debug: withRedactor ? debug : ({ ...debug } as ProblemDebugInfo),
  };
  return renderHtmlPage(problem, EN_CATALOG, 'en');
}

/** The text of the page's report (the text area), unescaped. */
function reportOf(html: string): string {
  const m = /<textarea id="fl-report"[^>]*>([^<]*)<\/textarea>/.exec(html);
  return (m?.[1] ?? '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

const APP_LINES = Array.from({ length: 20 }, (_, i) =>
  i === 11 ? '    throw new Error(`order ${id} has no lines`);' : `    const v${i + 1} = ${i + 1};`,
);

describe('the debug page', () => {
  it('shows the source lines around an application frame, its line marked', () => {
    const app = file('order.service.ts', APP_LINES);
    const html = debugPage(errorAt('no lines', [`    at OrderService.total (${app}:12:11)`, ...LIBRARY]));

    expect(html).toContain(
      `<div class="where"><span class="file" title="${app}">${app}</span>:12:11 <span class="fn">in OrderService.total</span></div>`,
    );
    expect(html).toContain(
      '<div class="cur" aria-current="true"><span class="n">12</span>    throw new Error(`order ${id} has no lines`);</div>',
    );
    expect(html).toContain('<div><span class="n">7</span>    const v7 = 7;</div>');
    expect(html).toContain('<div><span class="n">17</span>    const v17 = 17;</div>');
    expect(html).not.toContain('<span class="n">6</span>');
    expect(html).not.toContain('<span class="n">18</span>');
  });

  it('folds each run of library frames under a count', () => {
    const app = file('fold.ts', APP_LINES);
    const html = debugPage(
      errorAt('x', [LIBRARY[0], `    at a (${app}:3:1)`, ...LIBRARY, '    at new Promise (<anonymous>)']),
    );
    expect(html).toContain(
      '<details class="lib"><summary>1 library frame</summary><ol><li>at Router.handle (/srv/app/node_modules/express/lib/router/index.js:284:7)</li></ol></details>',
    );
    expect(html).toContain('<summary>3 library frames</summary>');
    expect(html).toContain('<li>at new Promise (&lt;anonymous&gt;)</li>');
  });

  it('shows each cause with its own frames, folding the frames it shares with the error above', () => {
    const app = file('causes.ts', APP_LINES);
    const shared = [`    at Controller.get (${app}:15:1)`, ...LIBRARY];
    const root = errorAt('connect ECONNREFUSED', [`    at Repo.find (${app}:12:11)`, ...shared]);
    const html = debugPage(errorAt('could not load', [`    at Service.load (${app}:5:3)`, ...shared], root));

    expect(html).toContain(
      '<div class="exc cause"><h3>Caused by: <span class="type">Error</span>: <span class="msg">connect ECONNREFUSED</span></h3>',
    );
    const cause = html.slice(html.indexOf('exc cause'));
    expect(cause).toContain('in Repo.find');
    expect(cause).toContain('<summary>3 frames shared with the error above</summary>');
    expect(cause).not.toContain('in Controller.get</span>');
    expect(reportOf(html)).toContain('\nCaused by: Error: connect ECONNREFUSED\n');
    expect(reportOf(html)).toContain('    ... 3 frames shared with the error above\n');
  });

  it('escapes a hostile file name and markup in source lines', () => {
    const hostile = file('<img src=x onerror=alert(1)>.ts', [
      "const html = '<script>alert(1)</script>';",
      "throw new Error('</div><img src=x>');",
    ]);
    const html = debugPage(errorAt('<b>bold</b>', [`    at run (${hostile}:2:1)`]));

    expect(html).not.toMatch(/<img/i);
    expect(html).not.toMatch(/<b>/i);
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).toContain(`<script>${DEBUG_SCRIPT}</script></body>`);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;.ts</span>:2:1');
    expect(html).toContain(
      '<span class="n">1</span>const html = &#39;&lt;script&gt;alert(1)&lt;/script&gt;&#39;;',
    );
    expect(html).toContain('<span class="msg">&lt;b&gt;bold&lt;/b&gt;</span>');
    // The report cannot close its text area early.
    expect(html.match(/<\/textarea>/g)).toHaveLength(1);
  });

  it('redacts a secret in a source line, in the request and in the report', () => {
    const app = file('secret.ts', [
      "const dbPassword = 'correct-horse-battery-staple';",
      "throw new Error('x');",
    ]);
    const html = debugPage(errorAt('x', [`    at run (${app}:2:1)`]));

    expect(html).toContain('<span class="n">1</span>const dbPassword = &#39;[REDACTED]&#39;;');
    for (const secret of [
      'correct-horse-battery-staple',
      'tok-1234567890abcdef',
      'abcdefghijklmnopqrstuvwxyz0123456789',
      'hunter2',
    ]) {
      expect(html).not.toContain(secret);
    }
    expect(html).toContain('<tr><th>authorization</th><td>[REDACTED]</td></tr>');
    expect(html).toContain('<tr><th>x-note</th><td>&lt;i&gt;hi&lt;/i&gt;</td></tr>');
  });

  it('reads no file a message names in a line that looks like a frame', () => {
    const secret = file('forged.ts', ['const marker = "FORGED-FILE-CONTENT";']);
    const html = debugPage(errorAt(`not found\n    at x (${secret}:1:1)`, [...LIBRARY]));
    expect(html).not.toContain('FORGED-FILE-CONTENT');
    expect(html).not.toContain('class="src"');
  });

  it('shows no source lines for a debug member built without the redactor', () => {
    const app = file('no-redactor.ts', APP_LINES);
    const html = debugPage(errorAt('x', [`    at run (${app}:12:1)`]), false);
    expect(html).toContain(`${app}</span>:12:1`);
    expect(html).not.toContain('class="src"');
  });

  it(`reads source lines for at most ${MAX_EXCERPTS} frames`, () => {
    const app = file('many.ts', APP_LINES);
    const frames = Array.from({ length: 30 }, (_, i) => `    at f${i} (${app}:${(i % 20) + 1}:1)`);
    const html = debugPage(errorAt('deep', frames));
    expect(html.match(/class="src"/g)).toHaveLength(MAX_EXCERPTS);
    expect(html.match(/class="frame app"/g)).toHaveLength(30);
  });

  it('writes a plain-text report of the failure, its frames and the request', () => {
    const app = file('report.ts', APP_LINES);
    const report = reportOf(
      debugPage(errorAt('no lines', [`    at OrderService.total (${app}:12:11)`, ...LIBRARY])),
    );
    expect(report).toBe(
      [
        '500 Internal Server Error',
        'Code: INTERNAL_ERROR',
        'Request ID: req-1',
        '',
        'Error: no lines',
        `    at OrderService.total (${app}:12:11)`,
        '        12 | throw new Error(`order ${id} has no lines`);',
        '    at Router.handle (/srv/app/node_modules/express/lib/router/index.js:284:7)',
        '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
        '',
        'Request: POST /orders/7?token=[REDACTED]&q=<b>x</b>',
        'Headers:',
        '  authorization: [REDACTED]',
        '  x-note: <i>hi</i>',
        'Query: {"token":"[REDACTED]","q":"<b>x</b>"}',
        'Body: {',
        '  "password": "[REDACTED]",',
        '  "note": "</textarea><script>alert(1)</script>"',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('has a copy button, hidden until its script shows it, with its texts in data attributes', () => {
    const html = debugPage(errorAt('x', LIBRARY));
    expect(html).toContain(
      '<button type="button" id="fl-copy" hidden data-copied="Copied to the clipboard" data-failed="Could not copy: the report is selected below, copy it with Ctrl+C">Copy as text</button>',
    );
    expect(html).toContain('<details class="report"><summary>Report as text (for a bug report)</summary>');
  });
});
