/**
 * The Default column of the option tables in docs/, written from the defaults the option
 * resolvers use (`LOGGING_DEFAULTS`, `AUDIT_DEFAULTS`, ...): test/docs.spec.ts checks each cell,
 * and `npm run docs:options` rewrites the cells that differ.
 */

/** A default as the tables show it: the JavaScript literal an application would write. */
export function literal(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(literal).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return '{}';
    return `{ ${entries.map(([k, v]) => `${k}: ${literal(v)}`).join(', ')} }`;
  }
  throw new Error(`no literal for ${String(value)}`);
}

/** The cells of a table row; `\|` inside a cell is not a separator. */
export function cellsOf(line: string): string[] {
  return line
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());
}

/** Where one option's Default cell is. */
export interface DefaultCell {
  line: number;
  column: number;
  text: string;
}

/**
 * The Default cell of each of `members` in `markdown`, in the table of them: of the tables with a
 * Default column, the one with rows for most of them (a row's first cell names its option in
 * backticks, linked or not). A page may have smaller tables of nested options too.
 */
export function defaultCells(markdown: string, members: readonly string[]): Map<string, DefaultCell> {
  const lines = markdown.split('\n');
  let best = new Map<string, DefaultCell>();
  for (let i = 0; i + 1 < lines.length; i++) {
    if (!lines[i].startsWith('|') || !/^\|[\s:|-]+\|$/.test(lines[i + 1].trim())) continue;
    const column = cellsOf(lines[i]).findIndex((c) => c.toLowerCase() === 'default');
    const found = new Map<string, DefaultCell>();
    let row = i + 2;
    for (; row < lines.length && lines[row].startsWith('|'); row++) {
      const cells = cellsOf(lines[row]);
      const name = /`(\w+)`/.exec(cells[0])?.[1];
      if (column !== -1 && name && members.includes(name) && !found.has(name)) {
        found.set(name, { line: row, column, text: cells[column] ?? '' });
      }
    }
    if (found.size > best.size) best = found;
    i = row - 1;
  }
  return best;
}

/** The cell with its leading code span set to `` `literal` `` (what follows it is kept). */
export function withDefault(cell: string, value: unknown): string {
  const shown = `\`${literal(value)}\``;
  const lead = /^`[^`]*`/.exec(cell);
  return lead ? shown + cell.slice(lead[0].length) : cell === '' ? shown : `${shown} ${cell}`;
}

/** `markdown` with every Default cell of `defaults` rewritten by {@link withDefault}. */
export function writeDefaults(markdown: string, defaults: Record<string, unknown>): string {
  const lines = markdown.split('\n');
  for (const [member, cell] of defaultCells(markdown, Object.keys(defaults))) {
    const cells = cellsOf(lines[cell.line]);
    cells[cell.column] = withDefault(cells[cell.column], defaults[member]);
    lines[cell.line] = `| ${cells.join(' | ')} |`;
  }
  return lines.join('\n');
}
