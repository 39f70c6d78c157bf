/**
 * The most characters of a request line's `url`, of each header and query value in its
 * `request`, and of an expected failure's `err.message` (Nest's 404 repeats the URL). A
 * client chooses them, and under a storm every line waits in the log backlog: a 6 KB URL would
 * otherwise be kept two or three times per line.
 */
export const MAX_REQUEST_TEXT = 2048;

/** Nested query objects are short; past this depth values are left as the redactor gave them. */
const MAX_DEPTH = 8;

/**
 * `text` cut to {@link MAX_REQUEST_TEXT} characters with a marker of how many were cut, as the
 * redactor marks its own cuts: `…[4100 more chars]`. Applied to text already redacted, so a cut
 * never leaves part of a secret: the secret was replaced whole before.
 */
export function capText(text: string, max = MAX_REQUEST_TEXT): string {
  return text.length > max ? `${text.slice(0, max)}…[${text.length - max} more chars]` : text;
}

/**
 * A redacted value (headers, query) whose strings are all capped by {@link capText}; the value
 * itself when none is too long, else a copy: it is never changed in place.
 */
export function capStrings(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return capText(value);
  if (typeof value !== 'object' || value === null || depth >= MAX_DEPTH) return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const capped = capStrings(value[i], depth + 1);
      if (capped !== value[i]) (out ??= value.slice())[i] = capped;
    }
    return out ?? value;
  }
  const record = value as Record<string, unknown>;
  let out: Record<string, unknown> | undefined;
  for (const key of Object.keys(record)) {
    const capped = capStrings(record[key], depth + 1);
    if (capped !== record[key]) (out ??= { ...record })[key] = capped;
  }
  return out ?? value;
}
