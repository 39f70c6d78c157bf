/**
 * Detectors for secrets inside string values, whatever key holds them. Each replaces only the
 * secret, so the rest of the text stays readable.
 */
export interface ValueDetector {
  /** Name for docs and errors. */
  readonly name: string;
  /** Returns `text` with every secret this detector finds replaced by `censor`. */
  replace(text: string, censor: string): string;
}

const JWT = /\beyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;
const AUTH_SCHEME = /\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{6,}/gi;
const PEM = /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY-----[\s\S]*?(?:-----END \1PRIVATE KEY-----|$)/g;
const CARD = /(?<![\d])\d(?:[ -]?\d){12,18}(?![\d])/g;

/** JSON Web Tokens (`eyJ….eyJ….…`). */
export const jwtDetector: ValueDetector = {
  name: 'jwt',
  replace: (text, censor) => (text.includes('eyJ') ? text.replace(JWT, censor) : text),
};

/** `Bearer …`, `Basic …` and `Token …` credentials; the scheme stays. */
export const authSchemeDetector: ValueDetector = {
  name: 'bearer',
  replace: (text, censor) => text.replace(AUTH_SCHEME, (_m, scheme: string) => `${scheme} ${censor}`),
};

/** PEM private key blocks. */
export const pemDetector: ValueDetector = {
  name: 'pem-private-key',
  replace: (text, censor) => (text.includes('PRIVATE KEY') ? text.replace(PEM, censor) : text),
};

/**
 * Card numbers of 13-19 digits (spaces or dashes allowed) that pass the Luhn check. Digits that
 * are part of a word (`ab1234…`) or of a UUID are not a card number.
 */
export const cardNumberDetector: ValueDetector = {
  name: 'card-number',
  replace: (text, censor) =>
    text.replace(CARD, (match: string, offset: number) =>
      luhn(match.replace(/\D/g, '')) && !withinToken(text, offset, match.length) ? censor : match,
    ),
};

const LETTER = /[A-Za-z]/;
const HEX_OR_DASH = /[0-9A-Fa-f-]/;
const UUID_TOKEN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True when the digits at `offset` are glued to letters, or lie inside a UUID. */
function withinToken(text: string, offset: number, length: number): boolean {
  const end = offset + length;
  if ((offset > 0 && LETTER.test(text[offset - 1])) || (end < text.length && LETTER.test(text[end]))) {
    return true;
  }
  let start = offset;
  while (start > 0 && HEX_OR_DASH.test(text[start - 1])) start--;
  let stop = end;
  while (stop < text.length && HEX_OR_DASH.test(text[stop])) stop++;
  return UUID_TOKEN.test(text.slice(start, stop));
}

/** The detectors on by default. */
export const DEFAULT_VALUE_DETECTORS: readonly ValueDetector[] = [
  pemDetector,
  jwtDetector,
  authSchemeDetector,
  cardNumberDetector,
];

/** Luhn checksum over a string of digits. */
export function luhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}
