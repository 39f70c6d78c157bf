import { scanMeter } from './secret-ranges';

/** Text in which `%XX` escapes (and `+`) were decoded, with where each character came from. */
export interface DecodedText {
  /** The decoded text. */
  readonly text: string;
  /** `map[i]` is the index in the original of decoded character `i`; `map[text.length]` its end. */
  readonly map: Int32Array;
}

const ESCAPE = /%[0-9A-Fa-f]{2}/;
/** Characters turned into a string at a time (an argument list of this size is safe). */
const CHUNK = 8192;

/** True when `text` holds at least one `%XX` escape. */
export function hasPercentEscape(text: string): boolean {
  return ESCAPE.test(text);
}

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  const lower = code | 0x20;
  return lower >= 97 && lower <= 102 ? lower - 87 : -1;
}

/**
 * Decodes `%XX` escapes and `+` in one pass, keeping a map back to the original positions, so a
 * secret found in the decoded text can be replaced in the original. Bytes of 0x80 and above
 * (parts of UTF-8 sequences, which no detected secret contains) become U+0000, which ends every
 * token; invalid escapes are kept as they are.
 */
export function percentDecode(text: string): DecodedText {
  const n = text.length;
  const map = new Int32Array(n + 1);
  const codes = new Uint16Array(n);
  let d = 0;
  for (let i = 0; i < n; d++) {
    let code = text.charCodeAt(i);
    map[d] = i;
    i++;
    if (code === 37 /* % */ && i + 1 < n) {
      const hi = hexValue(text.charCodeAt(i));
      const lo = hi === -1 ? -1 : hexValue(text.charCodeAt(i + 1));
      if (lo !== -1) {
        code = hi * 16 + lo;
        if (code >= 0x80) code = 0;
        i += 2;
      }
    } else if (code === 43 /* + */) {
      code = 32;
    }
    codes[d] = code;
  }
  map[d] = n;
  scanMeter.chars += n;
  let decoded = '';
  for (let k = 0; k < d; k += CHUNK) {
    decoded += String.fromCharCode.apply(
      null,
      codes.subarray(k, Math.min(d, k + CHUNK)) as unknown as number[],
    );
  }
  return { text: decoded, map: map.subarray(0, d + 1) };
}
