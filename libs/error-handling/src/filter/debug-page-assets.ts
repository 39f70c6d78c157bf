import { createHash } from 'node:crypto';

/**
 * The debug page's own style and script, fixed texts allowed by the page's
 * Content-Security-Policy by their SHA-256 hashes (never `'unsafe-inline'`): nothing the page
 * shows can add to them, and the page has no attribute with a style or a handler.
 */

/** The debug section's style, in a second `<style>` element after the page's own. */
export const DEBUG_STYLE =
  'body{max-width:72rem}section.debug h2{font-size:1.2rem}' +
  '.exc{margin:1.25rem 0}.exc h3{font-size:1.05rem;margin:.5rem 0;overflow-wrap:anywhere}' +
  '.exc .type{color:#d70015}.exc .msg{font-weight:400;white-space:pre-wrap}' +
  '.cause{border-left:3px solid #d2d2d7;padding-left:1rem}' +
  'ol.frames{list-style:none;padding:0;margin:0}' +
  '.frame{border:1px solid #d2d2d7;border-radius:6px;margin:.5rem 0;overflow:hidden}' +
  '.where{background:#f5f5f7;padding:.4rem .75rem;font:.8rem ui-monospace,monospace;overflow-wrap:anywhere}' +
  '.where .file{font-weight:600}.where .fn,.where .gen{color:#6e6e73}' +
  '.src{font:.8rem/1.5 ui-monospace,monospace;overflow-x:auto;padding:.25rem 0}' +
  '.src div{white-space:pre;padding:0 .75rem 0 0}' +
  '.src .n{display:inline-block;min-width:3rem;padding-right:1rem;text-align:right;color:#86868b;user-select:none}' +
  '.src .cur{background:#ffe5e5;box-shadow:inset 3px 0 #d70015}.src .cur .n{color:#d70015;font-weight:600}' +
  'details.lib{margin:.35rem 0 .35rem .75rem;color:#6e6e73;font-size:.8rem}details.lib summary{cursor:pointer}' +
  'details.lib ol{list-style:none;padding-left:1rem;font-family:ui-monospace,monospace;overflow-wrap:anywhere}' +
  'table.kv{border-collapse:collapse;font:.8rem ui-monospace,monospace}' +
  'table.kv th{text-align:left;color:#6e6e73;font-weight:400;padding:.15rem 1rem .15rem 0;vertical-align:top;white-space:nowrap}' +
  'table.kv td{overflow-wrap:anywhere}' +
  '.actions{display:flex;gap:1rem;align-items:center;margin:1rem 0}' +
  'button{font:inherit;padding:.35rem .9rem;border:0;border-radius:6px;background:#0071e3;color:#fff;cursor:pointer}' +
  'details.report summary{cursor:pointer;color:#6e6e73}' +
  'textarea{box-sizing:border-box;width:100%;min-height:18rem;font:.75rem ui-monospace,monospace}';

/**
 * "Copy as text": shows the button (hidden without script, when the report below is still there
 * to select), then copies the report with the Clipboard API; where the browser refuses (a page
 * not served over HTTPS or localhost), it opens and selects the report and tries the older copy
 * command. Its texts come from the button's data attributes, so the script stays one fixed text.
 */
export const DEBUG_SCRIPT = `(function () {
  var button = document.getElementById('fl-copy');
  var report = document.getElementById('fl-report');
  var status = document.getElementById('fl-copy-status');
  if (!button || !report || !status) return;
  button.hidden = false;
  function said(ok) {
    status.textContent = button.getAttribute(ok ? 'data-copied' : 'data-failed');
  }
  function fallback() {
    var details = report.closest('details');
    if (details) details.open = true;
    report.focus();
    report.select();
    var ok = false;
    try {
      ok = document.execCommand('copy');
    } catch (e) {}
    said(ok);
  }
  button.addEventListener('click', function () {
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(report.value).then(function () {
        said(true);
      }, fallback);
    } else {
      fallback();
    }
  });
})();`;

/** A CSP source expression allowing exactly `text` (`'sha256-…'`). */
export function cspHash(text: string): string {
  return `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
}
