import { isAbsolute, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One `at …` line of a V8 stack trace. */
export interface StackFrame {
  /** The line as in the stack, trimmed: `at handler (/srv/app.js:1:2)`. */
  text: string;
  /** The function, when the frame names one (`NotificationsController.find`, `async run`). */
  fn?: string;
  /** The location's file (a path, a `file:` URL, `node:internal/…`), when it has line and column. */
  file?: string;
  line?: number;
  column?: number;
  /**
   * Not the application's own code: a file under `node_modules`, Node's internals, or a frame
   * with no file at all (`new Promise (<anonymous>)`, `Promise.all (index 0)`, eval'd code).
   */
  library: boolean;
}

const FRAME = /^\s*at (?:(.+?) \((.*)\)|(.*))$/;
const LOCATION = /^(.*):(\d+):(\d+)$/;

/** True for a line of a stack that is a frame (`    at …`). */
export function isFrameLine(line: string): boolean {
  return /^\s+at \S/.test(line);
}

/** Parses one `at …` line; undefined for a line that is not a frame. */
export function parseFrame(line: string): StackFrame | undefined {
  const m = FRAME.exec(line);
  if (!m) return undefined;
  const frame: StackFrame = { text: line.trim(), library: true };
  const fn = m[1];
  const location = m[2] ?? m[3];
  if (fn) frame.fn = fn;
  const at = LOCATION.exec(location);
  if (!at || at[1].startsWith('eval at ')) return frame;
  frame.file = at[1];
  frame.line = Number(at[2]);
  frame.column = Number(at[3]);
  frame.library = isLibraryFile(at[1]);
  return frame;
}

/** Files of libraries and of Node itself, and locations that are no file (`<anonymous>`, `[eval]`). */
export function isLibraryFile(file: string): boolean {
  if (/(?:^|[\\/])node_modules[\\/]/.test(file)) return true;
  if (file.startsWith('node:') || file.startsWith('internal/')) return true;
  return !(file.startsWith('file:') || isAbsolute(file));
}

/** A file as the page shows it: relative to the working directory when inside it. */
export function displayPath(file: string, cwd = process.cwd()): string {
  let path = file;
  if (file.startsWith('file:')) {
    try {
      path = fileURLToPath(file);
    } catch {
      return file;
    }
  }
  if (!isAbsolute(path)) return file;
  const rel = relative(cwd, path);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel) ? rel : path;
}
