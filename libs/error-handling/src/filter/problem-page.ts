import { cspHash, DEBUG_SCRIPT, DEBUG_STYLE } from './debug-page-assets';
import { renderDebugSection } from './debug-page';
import { escapeHtml } from './html-escape';
import type { MessageCatalog } from './message-catalog.interface';
import type { ProblemDetails } from './problem-details.interface';

export { escapeHtml };

const STYLE =
  'body{font-family:system-ui,sans-serif;margin:3rem auto;max-width:46rem;padding:0 1rem;color:#1d1d1f}' +
  'h1{font-size:1.6rem;margin-bottom:.25rem}.status{color:#6e6e73;font-size:1rem}' +
  'dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}dt{color:#6e6e73}' +
  'code,pre{font-family:ui-monospace,monospace}pre{background:#f5f5f7;padding:1rem;overflow:auto;font-size:.8rem}' +
  'section.debug{border-top:2px solid #d70015;margin-top:2rem}';

/**
 * The Content-Security-Policy of the HTML page: nothing may load; the page's inline `<style>`
 * element, and on the debug page its second style and its one script ("copy as text"), are
 * allowed by their hashes (never `'unsafe-inline'`), so even markup that slipped through
 * escaping could neither run script of its own nor style the page, submit a form, set a base
 * URL or be framed. The debug page's hashes are in every HTML page's policy (the filter sends
 * one policy); on a page without the debug section they match nothing.
 */
export const HTML_PAGE_CSP =
  `default-src 'none'; style-src ${cspHash(STYLE)} ${cspHash(DEBUG_STYLE)}; ` +
  `script-src ${cspHash(DEBUG_SCRIPT)}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

/** The Content-Security-Policy of the text page: it needs nothing at all. */
export const TEXT_PAGE_CSP =
  "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** A small self-contained HTML page for a problem; with debug info, the debug page (debug-page.ts). */
export function renderHtmlPage(problem: ProblemDetails, catalog: MessageCatalog, language: string): string {
  const l = catalog.labels;
  const fieldErrors = problem.errors?.length
    ? `<h2>${escapeHtml(l.fieldErrors)}</h2><ul>${problem.errors
        .map((e) => `<li><code>${escapeHtml(e.field)}</code>: ${escapeHtml(e.detail)}</li>`)
        .join('')}</ul>`
    : '';
  return (
    `<!doctype html><html lang="${escapeHtml(language)}"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<title>${problem.status} ${escapeHtml(problem.title)}</title><style>${STYLE}</style>` +
    (problem.debug ? `<style>${DEBUG_STYLE}</style>` : '') +
    `</head><body>` +
    `<h1>${escapeHtml(problem.title)} <span class="status">${problem.status}</span></h1>` +
    `<p>${escapeHtml(problem.detail)}</p>` +
    `<dl><dt>${escapeHtml(l.code)}</dt><dd><code>${escapeHtml(problem.code)}</code></dd>` +
    `<dt>${escapeHtml(l.requestId)}</dt><dd><code>${escapeHtml(problem.requestId)}</code></dd></dl>` +
    fieldErrors +
    (problem.debug
      ? renderDebugSection({ ...problem, debug: problem.debug }, catalog, language) +
        `<script>${DEBUG_SCRIPT}</script>`
      : '') +
    `</body></html>`
  );
}

/** A plain-text rendering of a problem. */
export function renderTextPage(problem: ProblemDetails, catalog: MessageCatalog): string {
  const l = catalog.labels;
  const lines = [
    `${problem.status} ${problem.title}`,
    problem.detail,
    `${l.code}: ${problem.code}`,
    `${l.requestId}: ${problem.requestId}`,
  ];
  for (const e of problem.errors ?? []) lines.push(`- ${e.field}: ${e.detail}`);
  if (problem.debug) {
    lines.push(
      '',
      `${l.debug}:`,
      `${problem.debug.exception}: ${problem.debug.message}`,
      ...problem.debug.stack,
    );
    for (const c of problem.debug.causes) lines.push(`cause: ${c.exception}: ${c.message}`, ...c.stack);
  }
  return `${lines.join('\n')}\n`;
}
