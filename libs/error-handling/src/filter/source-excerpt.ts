import { readFileSync, statSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Redactor } from '../redaction/redactor';
import { mapLocationOf, SourceMapping } from './source-map';

/** Largest source file read for an excerpt. */
export const MAX_SOURCE_BYTES = 1024 * 1024;
/** Largest source map read (a map carrying its sources is a few times its file). */
export const MAX_MAP_BYTES = 4 * 1024 * 1024;
/** Lines shown before and after a frame's line. */
export const CONTEXT_LINES = 5;
/** Files (and maps) kept in memory, least recently used dropped first. */
export const CACHED_FILES = 32;
/** A longer line (minified code) is not shown: cut, a secret in it could lose the part detectors know. */
export const MAX_LINE_CHARS = 1000;

/** Only code is read: a frame's path comes from an error's stack, which a message could imitate. */
const SOURCE_FILE = /\.(?:[cm]?[jt]s|[jt]sx)$/i;
const COMPILED_FILE = /\.[cm]?js$/i;

/** The lines around a frame, redacted: what the debug page shows under an application frame. */
export interface SourceExcerpt {
  /** The file the lines come from: the original source (`.ts`) when a source map led there. */
  file: string;
  /** The frame's line and column in that file, 1-based. */
  line: number;
  column: number;
  /** The number of `lines[0]`. */
  first: number;
  /** Redacted; a line too long to show is replaced by a note of its length. */
  lines: string[];
  /** The compiled location, when the lines come through a source map. */
  generated?: { file: string; line: number; column: number };
}

interface LoadedFile {
  mtimeMs: number;
  size: number;
  lines: string[];
  /** The file's source map: undefined until looked for, null when it has none. */
  mapping?: SourceMapping | null;
}

/** A small least-recently-used map. */
class Lru<V> {
  private readonly entries = new Map<string, V>();
  constructor(private readonly max: number) {}

  get(key: string): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value as string);
  }

  get size(): number {
    return this.entries.size;
  }
}

/**
 * Reads the source lines around stack frames, through source maps to the original file, for the
 * debug page only: files are read when a debug page is rendered (never on another path), up to
 * {@link MAX_SOURCE_BYTES}, and kept in a small LRU cache checked against each file's size and
 * modification time. Reads are synchronous: the filter answers synchronously, and this runs in
 * debug mode only, on files a developer's own process already loaded. A file that is missing,
 * too large or unreadable gives no excerpt.
 */
export class SourceExcerpts {
  private readonly files: Lru<LoadedFile>;
  /** The lines of the sources a map carries, split once. */
  private readonly sourceLines = new WeakMap<SourceMapping, Map<string, string[]>>();

  constructor(cacheSize = CACHED_FILES) {
    this.files = new Lru(cacheSize);
  }

  /** Files held in the cache. */
  get cachedFiles(): number {
    return this.files.size;
  }

  /**
   * The redacted lines around `line` of `file` (a path or `file:` URL from a stack frame),
   * mapped to the original source when the file has a source map.
   */
  excerpt(
    file: string,
    line: number,
    column: number,
    redactor: Redactor,
    context = CONTEXT_LINES,
  ): SourceExcerpt | undefined {
    const path = toPath(file);
    if (path === undefined || !SOURCE_FILE.test(path)) return undefined;
    const loaded = this.load(path, MAX_SOURCE_BYTES);
    if (!loaded) return undefined;
    const original = COMPILED_FILE.test(path)
      ? this.mappingOf(path, loaded)?.originalOf(line, column)
      : undefined;
    if (original) {
      const lines =
        original.content !== undefined
          ? this.contentLines(
              this.mappingOf(path, loaded) as SourceMapping,
              original.source,
              original.content,
            )
          : original.path !== undefined && SOURCE_FILE.test(original.path)
            ? this.load(original.path, MAX_SOURCE_BYTES)?.lines
            : undefined;
      if (lines && original.line <= lines.length) {
        return {
          ...around(lines, original.line, context, redactor),
          file: original.path ?? original.source,
          line: original.line,
          column: original.column,
          generated: { file: path, line, column },
        };
      }
    }
    if (line < 1 || line > loaded.lines.length) return undefined;
    return { ...around(loaded.lines, line, context, redactor), file: path, line, column };
  }

  private load(path: string, maxBytes: number): LoadedFile | undefined {
    try {
      const stat = statSync(path);
      if (!stat.isFile() || stat.size > maxBytes) return undefined;
      const cached = this.files.get(path);
      if (cached && cached.mtimeMs === stat.mtimeMs && cached.size === stat.size) return cached;
      const loaded: LoadedFile = {
        mtimeMs: stat.mtimeMs,
        size: stat.size,
        lines: readFileSync(path, 'utf8').split(/\r?\n/),
      };
      this.files.set(path, loaded);
      return loaded;
    } catch {
      return undefined;
    }
  }

  private mappingOf(path: string, file: LoadedFile): SourceMapping | undefined {
    if (file.mapping === undefined) file.mapping = this.findMapping(path, file) ?? null;
    return file.mapping ?? undefined;
  }

  /** The map a compiled file names (inline or beside it), else `<file>.map` if there is one. */
  private findMapping(path: string, file: LoadedFile): SourceMapping | undefined {
    // The comment is at the end; a file's last lines are enough to find it.
    const location = mapLocationOf(file.lines.slice(-3).join('\n'), path) ?? { path: `${path}.map` };
    if ('json' in location) return SourceMapping.parse(location.json, path);
    try {
      const stat = statSync(location.path);
      if (!stat.isFile() || stat.size > MAX_MAP_BYTES) return undefined;
      return SourceMapping.parse(readFileSync(location.path, 'utf8'), location.path);
    } catch {
      return undefined;
    }
  }

  private contentLines(mapping: SourceMapping, source: string, content: string): string[] {
    let bySource = this.sourceLines.get(mapping);
    if (!bySource) this.sourceLines.set(mapping, (bySource = new Map()));
    let lines = bySource.get(source);
    if (!lines) bySource.set(source, (lines = content.split(/\r?\n/)));
    return lines;
  }
}

/**
 * The lines around `line`, redacted: each on its own, then the block as a whole, so a secret
 * spread over lines (a PEM key in a template literal) is caught too; when the block finds what
 * no single line shows, the lines it changed are replaced whole by the censor.
 */
function around(
  all: readonly string[],
  line: number,
  context: number,
  redactor: Redactor,
): { first: number; lines: string[] } {
  const first = Math.max(1, line - context);
  const raw = all.slice(first - 1, Math.min(all.length, line + context));
  const shown = raw.map((l) => (l.length > MAX_LINE_CHARS ? `[${l.length} characters not shown]` : l));
  const each = shown.map((l) => redactor.redactString(l));
  const whole = redactor.redactString(shown.join('\n'));
  if (whole === each.join('\n')) return { first, lines: each };
  const block = whole.split('\n');
  let head = 0;
  while (head < each.length && head < block.length && block[head] === each[head]) head++;
  let tail = 0;
  while (
    tail < each.length - head &&
    tail < block.length - head &&
    block[block.length - 1 - tail] === each[each.length - 1 - tail]
  ) {
    tail++;
  }
  return { first, lines: each.map((l, i) => (i >= head && i < each.length - tail ? redactor.censor : l)) };
}

/** The absolute path of a stack frame's file: a path, or a `file:` URL; else undefined. */
function toPath(file: string): string | undefined {
  if (file.startsWith('file:')) {
    try {
      return fileURLToPath(file);
    } catch {
      return undefined;
    }
  }
  return isAbsolute(file) ? file : undefined;
}

/** The process's cache of source files, shared by every debug page. */
export const SOURCE_EXCERPTS = new SourceExcerpts();
