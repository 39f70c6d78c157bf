/**
 * The texts of the debug page's own parts (the section's heading is the catalog's
 * `labels.debug`). The page is for the application's developers; a language without an entry
 * here gets English.
 */
export interface DebugPageLabels {
  /** Before a cause's type and message. */
  causedBy: string;
  /** A folded run of library frames, `{count}` replaced by how many. */
  libraryFrames: string;
  /** A folded run of one library frame. */
  libraryFrame: string;
  /** A cause's last frames that are the enclosing error's too, folded; `{count}` replaced. */
  sharedFrames: string;
  /** One such frame. */
  sharedFrame: string;
  /** Before a frame's function: `src/app.ts:12:5 in AppController.find`. */
  in: string;
  /** Before the compiled location of a frame mapped through its source map. */
  compiledAt: string;
  request: string;
  headers: string;
  query: string;
  body: string;
  /** The button that copies the report. */
  copy: string;
  /** Said once the report is on the clipboard. */
  copied: string;
  /** Said when the browser would not copy (no clipboard access). */
  copyFailed: string;
  /** The folded plain-text report. */
  report: string;
}

/** English. */
export const EN_DEBUG_PAGE_LABELS: DebugPageLabels = {
  causedBy: 'Caused by',
  libraryFrames: '{count} library frames',
  libraryFrame: '1 library frame',
  sharedFrames: '{count} frames shared with the error above',
  sharedFrame: '1 frame shared with the error above',
  in: 'in',
  compiledAt: 'compiled',
  request: 'Request',
  headers: 'Headers',
  query: 'Query',
  body: 'Body',
  copy: 'Copy as text',
  copied: 'Copied to the clipboard',
  copyFailed: 'Could not copy: the report is selected below, copy it with Ctrl+C',
  report: 'Report as text (for a bug report)',
};

/** The debug page's labels by language; add a language here to translate the page. */
export const DEBUG_PAGE_LABELS: ReadonlyMap<string, DebugPageLabels> = new Map([
  ['en', EN_DEBUG_PAGE_LABELS],
]);

/** The labels of a language, else English. */
export function debugPageLabels(language: string): DebugPageLabels {
  return DEBUG_PAGE_LABELS.get(language) ?? EN_DEBUG_PAGE_LABELS;
}
