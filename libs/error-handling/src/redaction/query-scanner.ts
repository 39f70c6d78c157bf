import { isSpace } from './char-classes';
import { scanMeter, type SecretRanges } from './secret-ranges';

function startsPair(code: number): boolean {
  return code === 63 /* ? */ || code === 38 /* & */ || code === 59 /* ; */ || code === 35; /* # */
}

/** `+` is a space in a query, and a key may be percent-encoded (`access%5Ftoken`). */
function decodeKey(key: string): string {
  const plain = key.includes('+') ? key.replace(/\+/g, ' ') : key;
  if (!plain.includes('%')) return plain;
  try {
    return decodeURIComponent(plain);
  } catch {
    return plain;
  }
}

/**
 * Sensitive query parameters: after `?`, `&`, `;` or `#`, a `key=value` pair whose decoded key
 * is sensitive (`user[password]`, `access%5Ftoken`, `api+key` included) has its value reported,
 * up to `&`, `#` or whitespace: a `;` inside it stays part of the secret (`?token=a;b`, since
 * many servers do not split on `;`). After a value that is not sensitive, `;` (and `?`) start a
 * new pair. One pass: every character is stepped over once by a key, a value or the search for
 * the next pair.
 */
export function scanQueryPairs(
  text: string,
  isSensitive: (key: string) => boolean,
  censorValue: (value: string) => string,
  out: SecretRanges,
): void {
  const n = text.length;
  let i = 0;
  while (i < n) {
    // The character that ended the last key or value may itself start the next pair.
    while (i < n && !startsPair(text.charCodeAt(i))) i++;
    if (i === n) break;
    const keyStart = i + 1;
    let j = keyStart;
    let code = 0;
    for (; j < n; j++) {
      code = text.charCodeAt(j);
      if (code === 61 /* = */ || startsPair(code) || isSpace(code)) break;
    }
    i = j;
    if (j === n || code !== 61 || j === keyStart) continue;
    const valueStart = j + 1;
    const sensitive = isSensitive(decodeKey(text.slice(keyStart, j)));
    let k = valueStart;
    for (; k < n; k++) {
      code = text.charCodeAt(k);
      if (code === 38 || code === 35 || isSpace(code)) break;
      if (!sensitive && (code === 59 || code === 63)) break;
    }
    if (sensitive) out.add(valueStart, k, censorValue(text.slice(valueStart, k)));
    i = k;
  }
  scanMeter.chars += n;
}
