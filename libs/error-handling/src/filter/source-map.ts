import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Source maps (v3) read without a dependency: the debug page maps a compiled frame
 * (`dist/app.controller.js:31:15`) to the line of the `.ts` file it came from. Node's own
 * `module.findSourceMap()` knows only the maps of modules loaded with `--enable-source-maps`,
 * and the `source-map` package would be a runtime dependency for a development-only page.
 */

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DIGITS = new Int8Array(128).fill(-1);
for (let i = 0; i < BASE64.length; i++) DIGITS[BASE64.charCodeAt(i)] = i;

const COMMA = 44;
const SEMICOLON = 59;

/** One mapping of a generated line: `[generatedColumn, sourceIndex, originalLine, originalColumn]`, 0-based. */
export type Segment = readonly [number, number, number, number];

/**
 * Decodes a map's `mappings`: one array of segments a generated line. Segments without a source
 * (a generated column alone) are left out; a name index is ignored. Throws on a character that
 * is not base64 or a value that does not end.
 */
export function decodeMappings(mappings: string): Segment[][] {
  const lines: Segment[][] = [];
  let line: Segment[] = [];
  let column = 0;
  let source = 0;
  let originalLine = 0;
  let originalColumn = 0;
  const values: number[] = [];
  for (let i = 0; i <= mappings.length;) {
    const code = i < mappings.length ? mappings.charCodeAt(i) : SEMICOLON;
    if (code === COMMA || code === SEMICOLON) {
      if (values.length > 0) {
        column += values[0];
        if (values.length >= 4) {
          source += values[1];
          originalLine += values[2];
          originalColumn += values[3];
          line.push([column, source, originalLine, originalColumn]);
        }
        values.length = 0;
      }
      if (code === SEMICOLON) {
        lines.push(line);
        line = [];
        column = 0;
      }
      i++;
      continue;
    }
    // One base64 VLQ: five bits a digit, least significant first, bit 6 says more follow;
    // the lowest bit of the whole is the sign.
    let value = 0;
    let scale = 1;
    for (;;) {
      const digit = i < mappings.length ? (DIGITS[mappings.charCodeAt(i)] ?? -1) : -1;
      if (digit < 0 || scale > 2 ** 30) throw new Error(`invalid mappings at ${i}`);
      value += (digit & 31) * scale;
      scale *= 32;
      i++;
      if ((digit & 32) === 0) break;
    }
    values.push(value % 2 === 1 ? -(value - 1) / 2 : value / 2);
  }
  return lines;
}

/** Where a generated position came from. Lines and columns are 1-based, as in a stack trace. */
export interface OriginalPosition {
  /** The source as the map names it (with `sourceRoot`): a path or a URL such as `webpack://app/./src/x.ts`. */
  source: string;
  /** The source's absolute path, when it is a file (a relative path resolves against the map). */
  path?: string;
  line: number;
  column: number;
  /** The source's text, when the map carries it (`sourcesContent`). */
  content?: string;
}

interface RawSourceMap {
  version?: unknown;
  sources?: unknown;
  sourceRoot?: unknown;
  sourcesContent?: unknown;
  mappings?: unknown;
}

/** A parsed source map, its mappings decoded once. */
export class SourceMapping {
  private constructor(
    private readonly sources: string[],
    private readonly paths: (string | undefined)[],
    private readonly contents: (string | undefined)[],
    private readonly lines: Segment[][],
  ) {}

  /**
   * Parses a map's JSON; `mapFile` is the map's own path (a generated file's for an inline map),
   * against which relative sources resolve. Undefined for anything but a v3 map with mappings
   * (index maps with `sections` included: compilers of Node code do not write them).
   */
  static parse(json: string, mapFile: string): SourceMapping | undefined {
    let raw: RawSourceMap;
    try {
      raw = JSON.parse(json) as RawSourceMap;
    } catch {
      return undefined;
    }
    if (raw === null || typeof raw !== 'object' || raw.version !== 3) return undefined;
    if (typeof raw.mappings !== 'string' || !Array.isArray(raw.sources)) return undefined;
    let lines: Segment[][];
    try {
      lines = decodeMappings(raw.mappings);
    } catch {
      return undefined;
    }
    const root = typeof raw.sourceRoot === 'string' ? raw.sourceRoot : '';
    const sources = raw.sources.map((s) => withRoot(root, typeof s === 'string' ? s : ''));
    const contents = Array.isArray(raw.sourcesContent) ? raw.sourcesContent : [];
    return new SourceMapping(
      sources,
      sources.map((s) => sourcePath(s, mapFile)),
      sources.map((_, i) => (typeof contents[i] === 'string' ? (contents[i] as string) : undefined)),
      lines,
    );
  }

  /**
   * The original position of a generated one (1-based line and column): the last mapping at or
   * before the column on that line, else the line's first. Undefined when the line maps nothing.
   */
  originalOf(line: number, column: number): OriginalPosition | undefined {
    const segments = this.lines[line - 1];
    if (!segments?.length) return undefined;
    let found = segments[0];
    for (const s of segments) {
      if (s[0] > column - 1) break;
      found = s;
    }
    const [, index, originalLine, originalColumn] = found;
    if (index < 0 || index >= this.sources.length) return undefined;
    const position: OriginalPosition = {
      source: this.sources[index],
      line: originalLine + 1,
      column: originalColumn + 1,
    };
    const path = this.paths[index];
    if (path !== undefined) position.path = path;
    const content = this.contents[index];
    if (content !== undefined) position.content = content;
    return position;
  }
}

function withRoot(root: string, source: string): string {
  if (root === '' || /^[a-z][a-z0-9+.-]*:/i.test(source) || source.startsWith('/')) return source;
  return root.endsWith('/') ? root + source : `${root}/${source}`;
}

/** The file a source names, or undefined for a URL of another scheme (`webpack://`, `http:`). */
function sourcePath(source: string, mapFile: string): string | undefined {
  if (source === '') return undefined;
  if (source.startsWith('file:')) {
    try {
      return fileURLToPath(source);
    } catch {
      return undefined;
    }
  }
  // A Windows drive letter looks like a scheme (`C:`): a path, not a URL.
  if (/^[a-z][a-z0-9+.-]*:/i.test(source) && !/^[a-z]:[\\/]/i.test(source)) return undefined;
  if (isAbsolute(source)) return source;
  return resolve(dirname(mapFile), safeDecode(source));
}

/** Where a generated file's map is: the map's JSON itself (an inline `data:` URL) or its path. */
export type MapLocation = { json: string } | { path: string };

const MAPPING_URL = /\/[/*][#@]\s*sourceMappingURL=([^\s'"*]+)\s*(?:\*\/)?\s*$/;

/**
 * The map a generated file names in its last `//# sourceMappingURL=` comment: an inline
 * `data:` URL (base64 or percent-encoded), a relative or absolute path, or a `file:` URL.
 * Undefined when it names none or a URL of another scheme.
 */
export function mapLocationOf(text: string, file: string): MapLocation | undefined {
  const at = text.lastIndexOf('sourceMappingURL=');
  if (at === -1) return undefined;
  const lineStart = text.lastIndexOf('\n', at) + 1;
  const lineEnd = text.indexOf('\n', at);
  const match = MAPPING_URL.exec(text.slice(lineStart, lineEnd === -1 ? undefined : lineEnd));
  if (!match) return undefined;
  const url = match[1];
  if (url.startsWith('data:')) {
    const comma = url.indexOf(',');
    if (comma === -1) return undefined;
    const header = url.slice(5, comma);
    const data = url.slice(comma + 1);
    if (!/^application\/json\b/i.test(header)) return undefined;
    return {
      json: /;base64$/i.test(header) ? Buffer.from(data, 'base64').toString('utf8') : safeDecode(data),
    };
  }
  const path = sourcePath(url, file);
  return path === undefined ? undefined : { path };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
