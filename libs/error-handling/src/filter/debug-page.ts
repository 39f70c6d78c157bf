import type { Redactor } from '../redaction/redactor';
import { frameLinesOf, redactorOf } from './debug-info';
import { debugPageLabels, type DebugPageLabels } from './debug-page-labels';
import { escapeHtml } from './html-escape';
import type { MessageCatalog } from './message-catalog.interface';
import type { ProblemDebugInfo, ProblemDetails } from './problem-details.interface';
import { SOURCE_EXCERPTS, type SourceExcerpt } from './source-excerpt';
import { displayPath, parseFrame, type StackFrame } from './stack-frame';

/** Application frames a page shows source lines for, over the error and its causes. */
export const MAX_EXCERPTS = 20;

interface ShownFrame {
  frame: StackFrame;
  excerpt?: SourceExcerpt;
}

/** The error or one of its causes, as the page and the report show it. */
interface ShownError {
  exception: string;
  message: string;
  frames: ShownFrame[];
  /** How many of the last frames are the enclosing error's last frames too (Java's `... n more`). */
  shared: number;
}

/**
 * The debug section of the HTML page: the exception and its causes, each with its frames
 * (application frames with the source lines around them, through source maps to the original
 * file; runs of library frames folded), the redacted request, and the whole as a plain-text
 * report with a button that copies it. Every text is escaped; source lines are redacted by the
 * redactor that built the debug member, and without one (a debug member built elsewhere) none
 * are read.
 */
export function renderDebugSection(
  problem: ProblemDetails & { debug: ProblemDebugInfo },
  catalog: MessageCatalog,
  language: string,
): string {
  const debug = problem.debug;
  const labels = debugPageLabels(language);
  const errors = shownErrors(debug, redactorOf(debug));
  const [error, ...causes] = errors;
  return (
    `<section class="debug"><h2>${escapeHtml(catalog.labels.debug)}</h2>` +
    `<div class="actions"><button type="button" id="fl-copy" hidden` +
    ` data-copied="${escapeHtml(labels.copied)}" data-failed="${escapeHtml(labels.copyFailed)}">` +
    `${escapeHtml(labels.copy)}</button><span id="fl-copy-status" role="status"></span></div>` +
    errorHtml(error, '', labels) +
    causes.map((c) => errorHtml(c, `${labels.causedBy}: `, labels)).join('') +
    requestHtml(debug.request, labels) +
    `<details class="report"><summary>${escapeHtml(labels.report)}</summary>` +
    `<textarea id="fl-report" readonly spellcheck="false">${escapeHtml(debugReport(problem, errors, catalog, labels))}</textarea>` +
    `</details></section>`
  );
}

function shownErrors(debug: ProblemDebugInfo, redactor: Redactor | undefined): ShownError[] {
  const errors: ShownError[] = [
    { exception: debug.exception, message: debug.message, stack: debug.stack },
    ...debug.causes,
  ].map((e) => ({
    exception: e.exception,
    message: e.message,
    frames: frameLinesOf(e.stack).map((line) => ({
      frame: parseFrame(line) ?? { text: line.trim(), library: true },
    })),
    shared: 0,
  }));
  for (let i = 1; i < errors.length; i++)
    errors[i].shared = sharedTail(errors[i - 1].frames, errors[i].frames);
  // Source lines only with the redactor that built the member, for the frames shown unfolded.
  let excerpts = redactor ? MAX_EXCERPTS : 0;
  for (const error of errors) {
    for (const shown of error.frames.slice(0, error.frames.length - error.shared)) {
      const { frame } = shown;
      if (frame.library || frame.file === undefined || excerpts <= 0) continue;
      excerpts--;
      const excerpt = SOURCE_EXCERPTS.excerpt(
        frame.file,
        frame.line as number,
        frame.column as number,
        redactor as Redactor,
      );
      if (excerpt) shown.excerpt = excerpt;
    }
  }
  return errors;
}

function sharedTail(outer: ShownFrame[], inner: ShownFrame[]): number {
  let n = 0;
  while (
    n < outer.length &&
    n < inner.length &&
    outer[outer.length - 1 - n].frame.text === inner[inner.length - 1 - n].frame.text
  ) {
    n++;
  }
  return n;
}

function errorHtml(error: ShownError, prefix: string, labels: DebugPageLabels): string {
  return (
    `<div class="exc${prefix ? ' cause' : ''}"><h3>${escapeHtml(prefix)}<span class="type">` +
    `${escapeHtml(error.exception)}</span>: <span class="msg">${escapeHtml(error.message)}</span></h3>` +
    framesHtml(error, labels) +
    `</div>`
  );
}

/**
 * Application frames one by one; each run of library frames folded into one `<details>`, and
 * the frames a cause shares with the error above it into another.
 */
function framesHtml(error: ShownError, labels: DebugPageLabels): string {
  const frames = error.frames.slice(0, error.frames.length - error.shared);
  const items: string[] = [];
  const fold = (run: ShownFrame[], summary: string): string =>
    `<li><details class="lib"><summary>${escapeHtml(summary)}</summary><ol>` +
    run.map((f) => `<li>${escapeHtml(frameText(f))}</li>`).join('') +
    `</ol></details></li>`;
  for (let i = 0; i < frames.length;) {
    if (!frames[i].frame.library) {
      items.push(appFrameHtml(frames[i], labels));
      i++;
      continue;
    }
    let end = i;
    while (end < frames.length && frames[end].frame.library) end++;
    items.push(fold(frames.slice(i, end), counted(end - i, labels.libraryFrame, labels.libraryFrames)));
    i = end;
  }
  if (error.shared > 0) {
    items.push(
      fold(error.frames.slice(frames.length), counted(error.shared, labels.sharedFrame, labels.sharedFrames)),
    );
  }
  return `<ol class="frames">${items.join('')}</ol>`;
}

function appFrameHtml({ frame, excerpt }: ShownFrame, labels: DebugPageLabels): string {
  const file = excerpt?.file ?? (frame.file as string);
  const where =
    `<span class="file" title="${escapeHtml(file)}">${escapeHtml(displayPath(file))}</span>` +
    `:${excerpt?.line ?? frame.line}:${excerpt?.column ?? frame.column}` +
    (frame.fn ? ` <span class="fn">${escapeHtml(labels.in)} ${escapeHtml(frame.fn)}</span>` : '') +
    (excerpt?.generated
      ? ` <span class="gen">(${escapeHtml(labels.compiledAt)} ${escapeHtml(location(excerpt.generated))})</span>`
      : '');
  const source = excerpt
    ? `<div class="src">${excerpt.lines
        .map((text, i) => {
          const n = excerpt.first + i;
          const current = n === excerpt.line ? ' class="cur" aria-current="true"' : '';
          return `<div${current}><span class="n">${n}</span>${escapeHtml(text)}</div>`;
        })
        .join('')}</div>`
    : '';
  return `<li class="frame app"><div class="where">${where}</div>${source}</li>`;
}

function requestHtml(request: ProblemDebugInfo['request'], labels: DebugPageLabels): string {
  const headers = headerEntries(request.headers);
  return (
    `<h3>${escapeHtml(labels.request)}</h3>` +
    `<p><code>${escapeHtml(`${request.method} ${request.url}`)}</code></p>` +
    (headers.length
      ? `<h4>${escapeHtml(labels.headers)}</h4><table class="kv">${headers
          .map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`)
          .join('')}</table>`
      : '') +
    (isEmpty(request.query)
      ? ''
      : `<h4>${escapeHtml(labels.query)}</h4><pre>${escapeHtml(json(request.query))}</pre>`) +
    (isEmpty(request.body)
      ? ''
      : `<h4>${escapeHtml(labels.body)}</h4><pre>${escapeHtml(json(request.body))}</pre>`)
  );
}

/**
 * The page as plain text, for a bug report: status, code and request id, the error and its
 * causes with their frames (an application frame's own line under it), and the request.
 */
function debugReport(
  problem: ProblemDetails & { debug: ProblemDebugInfo },
  errors: ShownError[],
  catalog: MessageCatalog,
  labels: DebugPageLabels,
): string {
  const { request } = problem.debug;
  const lines = [
    `${problem.status} ${problem.title}`,
    `${catalog.labels.code}: ${problem.code}`,
    `${catalog.labels.requestId}: ${problem.requestId}`,
  ];
  errors.forEach((error, i) => {
    lines.push('', `${i > 0 ? `${labels.causedBy}: ` : ''}${error.exception}: ${error.message}`);
    for (const shown of error.frames.slice(0, error.frames.length - error.shared)) {
      lines.push(`    ${frameText(shown)}`);
      const { excerpt } = shown;
      if (excerpt) {
        lines.push(`        ${excerpt.line} | ${excerpt.lines[excerpt.line - excerpt.first].trim()}`);
      }
    }
    if (error.shared > 0) {
      lines.push(`    ... ${counted(error.shared, labels.sharedFrame, labels.sharedFrames)}`);
    }
  });
  lines.push('', `${labels.request}: ${request.method} ${request.url}`);
  const headers = headerEntries(request.headers);
  if (headers.length) lines.push(`${labels.headers}:`, ...headers.map(([k, v]) => `  ${k}: ${v}`));
  if (!isEmpty(request.query)) lines.push(`${labels.query}: ${JSON.stringify(request.query)}`);
  if (!isEmpty(request.body)) lines.push(`${labels.body}: ${json(request.body)}`);
  return `${lines.join('\n')}\n`;
}

/** A frame as `at fn (file:line:column)`, its file relative to the working directory, mapped when it was. */
function frameText({ frame, excerpt }: ShownFrame): string {
  if (frame.file === undefined) return frame.text;
  const where = excerpt
    ? location(excerpt)
    : location(frame as { file: string; line: number; column: number });
  return frame.fn ? `at ${frame.fn} (${where})` : `at ${where}`;
}

function counted(count: number, one: string, many: string): string {
  return count === 1 ? one : many.replace('{count}', String(count));
}

function location(at: { file: string; line?: number; column?: number }): string {
  return `${displayPath(at.file)}:${at.line}:${at.column}`;
}

function headerEntries(headers: unknown): [string, string][] {
  if (headers === null || typeof headers !== 'object' || Array.isArray(headers)) return [];
  return Object.entries(headers).map(([k, v]) => [
    k,
    typeof v === 'string' ? v : Array.isArray(v) ? v.map(String).join(', ') : json(v),
  ]);
}

function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined || value === '') return true;
  return typeof value === 'object' && Object.keys(value).length === 0;
}

function json(value: unknown): string {
  try {
    return JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    return String(value);
  }
}
