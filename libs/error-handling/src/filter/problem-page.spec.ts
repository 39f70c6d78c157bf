import { EN_CATALOG, KO_CATALOG } from './message-catalogs';
import type { ProblemDetails } from './problem-details.interface';
import { createHash } from 'node:crypto';
import { DEBUG_SCRIPT } from './debug-page-assets';
import { escapeHtml, HTML_PAGE_CSP, renderHtmlPage, renderTextPage, TEXT_PAGE_CSP } from './problem-page';

function problem(overrides: Partial<ProblemDetails> = {}): ProblemDetails {
  return {
    type: 'about:blank',
    title: 'Not Found',
    status: 404,
    detail: 'Notification not found: 42',
    instance: '/notifications/42',
    code: 'NOT_FOUND',
    requestId: 'req-1',
    ...overrides,
  };
}

const XSS = '<script>alert("x")</script>';

describe('escapeHtml', () => {
  it('escapes the five HTML-special characters', () => {
    expect(escapeHtml(`& < > " '`)).toBe('&amp; &lt; &gt; &quot; &#39;');
  });

  it('escapes an ampersand only once', () => {
    expect(escapeHtml('&lt;')).toBe('&amp;lt;');
  });
});

describe('renderHtmlPage', () => {
  it('shows title, status, detail, code and request id', () => {
    const html = renderHtmlPage(problem(), EN_CATALOG, 'en');

    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('<title>404 Not Found</title>');
    expect(html).toContain('<p>Notification not found: 42</p>');
    expect(html).toContain('<code>NOT_FOUND</code>');
    expect(html).toContain('<code>req-1</code>');
    expect(html).toContain(`<dt>${EN_CATALOG.labels.requestId}</dt>`);
  });

  it('escapes a <script> in the detail', () => {
    const html = renderHtmlPage(problem({ detail: `Bad name ${XSS}` }), EN_CATALOG, 'en');

    expect(html).not.toContain('<script>');
    expect(html).toContain('Bad name &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
  });

  it('escapes every field that can carry client-controlled text', () => {
    const html = renderHtmlPage(
      problem({
        title: XSS,
        code: XSS,
        requestId: XSS,
        errors: [{ pointer: '#/a', field: XSS, code: 'x', detail: XSS }],
        debug: {
          exception: XSS,
          message: XSS,
          stack: [XSS],
          causes: [{ exception: XSS, message: XSS, stack: [XSS] }],
          request: { method: 'GET', url: `/x?q=${XSS}`, headers: { h: XSS }, query: {}, body: XSS },
        },
      }),
      EN_CATALOG,
      '"><script>',
    );

    // The debug page's own script, allowed by its hash, is the only one.
    expect(html.replace(`<script>${DEBUG_SCRIPT}</script>`, '')).not.toMatch(/<script/i);
    expect(html).toContain('lang="&quot;&gt;&lt;script&gt;"');
  });

  it('lists field errors with their field and detail', () => {
    const html = renderHtmlPage(
      problem({
        status: 400,
        errors: [
          { pointer: '#/title', field: 'title', code: 'isNotEmpty', detail: 'title should not be empty' },
          {
            pointer: '#/items/0/name',
            field: 'items.0.name',
            code: 'isString',
            detail: 'name must be a string',
          },
        ],
      }),
      EN_CATALOG,
      'en',
    );

    expect(html).toContain(`<h2>${EN_CATALOG.labels.fieldErrors}</h2>`);
    expect(html).toContain('<li><code>title</code>: title should not be empty</li>');
    expect(html).toContain('<li><code>items.0.name</code>: name must be a string</li>');
  });

  it('leaves out the field error list and the debug section when there are none', () => {
    const html = renderHtmlPage(problem({ errors: [] }), EN_CATALOG, 'en');

    expect(html).not.toContain(EN_CATALOG.labels.fieldErrors);
    expect(html).not.toContain('class="debug"');
  });

  it('shows the debug section with the exception, its frames, causes and the request in debug mode', () => {
    const html = renderHtmlPage(
      problem({
        debug: {
          exception: 'TypeError',
          message: 'boom',
          stack: ['TypeError: boom', '    at a (/srv/a.ts:1:1)', '    at b (/srv/node_modules/b/b.js:2:2)'],
          causes: [
            {
              exception: 'Error',
              message: 'root cause',
              stack: ['Error: root cause', '    at c (/srv/c.ts:3:3)'],
            },
          ],
          request: { method: 'GET', url: '/x', headers: { accept: 'text/html' }, query: {}, body: null },
        },
      }),
      EN_CATALOG,
      'en',
    );

    expect(html).toContain('<section class="debug">');
    expect(html).toContain(EN_CATALOG.labels.debug);
    expect(html).toContain('<h3><span class="type">TypeError</span>: <span class="msg">boom</span></h3>');
    expect(html).toContain(
      '<span class="file" title="/srv/a.ts">/srv/a.ts</span>:1:1 <span class="fn">in a</span>',
    );
    expect(html).toContain(
      '<summary>1 library frame</summary><ol><li>at b (/srv/node_modules/b/b.js:2:2)</li>',
    );
    expect(html).toContain('Caused by: <span class="type">Error</span>: <span class="msg">root cause</span>');
    expect(html).toContain('<p><code>GET /x</code></p>');
    expect(html).toContain('<tr><th>accept</th><td>text/html</td></tr>');
  });

  it('uses the labels of the catalog it is given', () => {
    const html = renderHtmlPage(problem({ title: KO_CATALOG.titles[404] }), KO_CATALOG, 'ko');

    expect(html).toContain('<html lang="ko">');
    expect(html).toContain(`<dt>${KO_CATALOG.labels.code}</dt>`);
    expect(html).toContain('찾을 수 없음');
  });
});

describe('renderTextPage', () => {
  it('writes status and title, detail, code and request id on their own lines', () => {
    expect(renderTextPage(problem(), EN_CATALOG)).toBe(
      '404 Not Found\nNotification not found: 42\nCode: NOT_FOUND\nRequest ID: req-1\n',
    );
  });

  it('lists field errors', () => {
    const text = renderTextPage(
      problem({
        errors: [
          { pointer: '#/title', field: 'title', code: 'isNotEmpty', detail: 'title should not be empty' },
        ],
      }),
      EN_CATALOG,
    );

    expect(text).toContain('\n- title: title should not be empty\n');
  });

  it('adds the debug section only in debug mode', () => {
    const debug = {
      exception: 'TypeError',
      message: 'boom',
      stack: ['at a (a.ts:1:1)'],
      causes: [{ exception: 'Error', message: 'root', stack: ['at c (c.ts:3:3)'] }],
      request: { method: 'GET', url: '/', headers: {}, query: {}, body: null },
    };

    expect(renderTextPage(problem(), EN_CATALOG)).not.toContain('TypeError');
    expect(renderTextPage(problem({ debug }), EN_CATALOG)).toContain(
      `${EN_CATALOG.labels.debug}:\nTypeError: boom\nat a (a.ts:1:1)\ncause: Error: root\nat c (c.ts:3:3)\n`,
    );
  });

  it('uses the labels of the catalog it is given', () => {
    expect(renderTextPage(problem(), KO_CATALOG)).toContain(`${KO_CATALOG.labels.requestId}: req-1`);
  });
});

describe("the pages' Content-Security-Policy", () => {
  const hashOf = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
  const debugPage = () =>
    renderHtmlPage(
      problem({
        debug: {
          exception: 'Error',
          message: XSS,
          stack: ['Error: x', '    at handler (/srv/app.js:1:1)'],
          causes: [],
          request: { method: 'GET', url: '/', headers: {}, query: {}, body: null },
        },
      }),
      EN_CATALOG,
      'en',
    );

  it('allows the HTML page its one inline style by hash, and nothing else', () => {
    const html = renderHtmlPage(problem(), EN_CATALOG, 'en');
    const styles = [...html.matchAll(/<style>([^<]*)<\/style>/g)].map((m) => m[1]);
    expect(styles).toHaveLength(1);
    expect(HTML_PAGE_CSP).toContain(`style-src ${hashOf(styles[0])} `);
    // Nothing the policy would have to allow besides that style element.
    expect(html).not.toMatch(/<script|<link|<img|<iframe|<form|\sstyle=|\son\w+=/i);
  });

  it('allows the debug page its second style and its one script by hash, and nothing else', () => {
    const html = debugPage();
    const styles = [...html.matchAll(/<style>([^<]*)<\/style>/g)].map((m) => m[1]);
    const scripts = [...html.matchAll(/<script>([^<]*)<\/script>/g)].map((m) => m[1]);
    expect(styles).toHaveLength(2);
    expect(scripts).toHaveLength(1);
    expect(HTML_PAGE_CSP).toContain(`style-src ${hashOf(styles[0])} ${hashOf(styles[1])};`);
    expect(HTML_PAGE_CSP).toContain(`script-src ${hashOf(scripts[0])};`);
    expect(html.match(/<script/gi)).toHaveLength(1);
    expect(html).not.toMatch(/<link|<img|<iframe|<form|\sstyle=|\son\w+=/i);
  });

  it('lets the HTML page load nothing, submit nothing and be framed by nothing', () => {
    const hash = "'sha256-[A-Za-z0-9+/]+=*'";
    expect(HTML_PAGE_CSP.split('; ')).toEqual([
      "default-src 'none'",
      expect.stringMatching(new RegExp(`^style-src ${hash} ${hash}$`)),
      expect.stringMatching(new RegExp(`^script-src ${hash}$`)),
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ]);
    expect(HTML_PAGE_CSP).not.toContain('unsafe-inline');
  });

  it('allows the text page nothing', () => {
    expect(TEXT_PAGE_CSP).toBe(
      "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
  });
});
