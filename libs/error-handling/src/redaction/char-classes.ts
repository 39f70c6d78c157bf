/**
 * ASCII character classes as bit flags in one table, so scanners test a character with one
 * lookup instead of a regular expression.
 */
export const WORD = 1; // [A-Za-z0-9_]
export const B64URL = 2; // [A-Za-z0-9_-]
export const AUTH_TOKEN = 4; // [A-Za-z0-9._~+/=-]
export const LETTER = 8; // [A-Za-z]
export const HEX_OR_DASH = 16; // [0-9A-Fa-f-]
export const ALNUM = 32; // [A-Za-z0-9]
export const SPACE = 64; // ASCII whitespace (what \s matches below 128)
export const SCHEME = 128; // [A-Za-z0-9+.-]
export const DIGIT = 256; // [0-9]

const TABLE = new Uint16Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  let flags = 0;
  if (/[A-Za-z0-9_]/.test(ch)) flags |= WORD;
  if (/[A-Za-z0-9_-]/.test(ch)) flags |= B64URL;
  if (/[A-Za-z0-9._~+/=-]/.test(ch)) flags |= AUTH_TOKEN;
  if (/[A-Za-z]/.test(ch)) flags |= LETTER;
  if (/[0-9A-Fa-f-]/.test(ch)) flags |= HEX_OR_DASH;
  if (/[A-Za-z0-9]/.test(ch)) flags |= ALNUM;
  if (/\s/.test(ch)) flags |= SPACE;
  if (/[A-Za-z0-9+.-]/.test(ch)) flags |= SCHEME;
  if (/[0-9]/.test(ch)) flags |= DIGIT;
  TABLE[c] = flags;
}

/** True when the character code is ASCII and in `cls`. */
export function is(code: number, cls: number): boolean {
  return code < 128 && (TABLE[code] & cls) !== 0;
}

/** True for `\s`, including the non-ASCII spaces. */
export function isSpace(code: number): boolean {
  return code < 128 ? (TABLE[code] & SPACE) !== 0 : /\s/.test(String.fromCharCode(code));
}

/** True for 0-9. */
export function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** The end of the run of `cls` characters that starts at `from` (bounded by `end`). */
export function runEnd(text: string, from: number, end: number, cls: number): number {
  let i = from;
  while (i < end && is(text.charCodeAt(i), cls)) i++;
  return i;
}

/**
 * True when the character before `i` is in `cls`, unless it is the letter of an escape (`\n`,
 * `\t`, `\r`, `\b`, `\f`, `\v` in JSON or a quoted string): `"line\nAKIA…"` still has the key id
 * at a word start.
 */
export function gluedBefore(text: string, i: number, cls: number): boolean {
  if (i === 0) return false;
  const code = text.charCodeAt(i - 1);
  if (!is(code, cls)) return false;
  if (i < 2 || text.charCodeAt(i - 2) !== 92 /* \ */) return true;
  return !(code === 110 || code === 114 || code === 116 || code === 98 || code === 102 || code === 118);
}
