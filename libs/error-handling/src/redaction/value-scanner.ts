import { scanKeyValuePairs, type KeyValueRules } from './key-value-scanner';
import { hasPercentEscape, percentDecode } from './percent-decoding';
import { scanQueryPairs } from './query-scanner';
import { SecretRanges, scanMeter } from './secret-ranges';
import type { SecretScanner } from './secret-scanners';

/**
 * How query parameters and the `key=value` / `key: value` pairs of free text are judged and
 * censored; absent when no key can be sensitive.
 */
export interface QueryRules {
  isSensitive(key: string): boolean;
  censorValue(value: string): string;
  /**
   * How a key met in free text is judged: as {@link isSensitive}, without keeping every word that
   * precedes a `:` with the keys of objects. Default: `isSensitive`.
   */
  isSensitiveTextKey?(key: string): boolean;
}

/**
 * A cheap necessary condition for any built-in scanner to find something in a string of 12
 * characters or more: most strings (header values, names, messages) match none of it and are
 * returned as they are after this one search. Few alternatives, each a rare character or a
 * literal, because the search tries every alternative at every position.
 */
export const SECRET_HINT =
  /[=%:J_]|--|x(?:ox|ap)|A[KSBC3I]|[Kk](?:s\.s|[Ee][Nn][\s+])|\d{4}[ +-]?\d{4}|[Bb](?:[Ee][Aa][Rr][Ee][Rr]|[Aa][Ss][Ii][Cc])[\s+]/;
/** Below 12 characters only a query or free-text pair, a percent-encoded one or a URL password fits. */
const SHORT_HINT = /[=%:]/;
const SHORT = 12;

/**
 * The built-in scanners, the query-parameter scan and the free-text `key=value` scan, run over
 * one string: each once over the text and, when the text holds `%XX` escapes, once more over its
 * decoded form (whose findings are mapped back to the original positions). A fixed number of
 * linear passes.
 */
export class ValueScanner {
  private readonly ranges = new SecretRanges();
  private readonly decodedRanges = new SecretRanges();
  private readonly textRules: KeyValueRules | undefined;
  /** The censor the last `redact()` was given, and how a value it already replaced begins. */
  private censor = '';
  private censorHead = '';

  /**
   * @param hinted Whether strings are pre-checked with {@link SECRET_HINT} (off only in tests
   *   that check the pre-check never hides a secret).
   */
  constructor(
    private readonly scanners: readonly SecretScanner[],
    private readonly query: QueryRules | undefined,
    private readonly hinted = true,
  ) {
    if (query !== undefined) {
      const textKey = query.isSensitiveTextKey;
      this.textRules = {
        isSensitive: textKey ? (key) => textKey.call(query, key) : query.isSensitive,
        censorValue: query.censorValue,
      };
    }
  }

  /** True when there is nothing to scan for. */
  get idle(): boolean {
    return this.scanners.length === 0 && this.query === undefined;
  }

  /**
   * After {@link redact}: where in its output the original position given as `mark` ended up
   * (after a secret replaced across it).
   */
  markOut = 0;

  /**
   * `text` with every secret found replaced by `censor` (query values by `censorValue`); where
   * the original position `mark` lands in the result is left in {@link markOut}.
   */
  redact(text: string, censor: string, mark = 0): string {
    scanMeter.chars += text.length;
    this.markOut = mark;
    if (this.hinted && !(text.length < SHORT ? SHORT_HINT : SECRET_HINT).test(text)) return text;
    if (censor !== this.censor) {
      this.censor = censor;
      this.censorHead = censor.endsWith(']') ? censor.slice(0, -1) : censor;
    }
    const ranges = this.ranges;
    ranges.clear();
    this.scan(text, ranges);
    if (hasPercentEscape(text)) {
      const decoded = percentDecode(text);
      const inner = this.decodedRanges;
      inner.clear();
      this.scan(decoded.text, inner);
      ranges.addMapped(inner, decoded.map);
    }
    const out = ranges.apply(text, text.length, censor, mark);
    this.markOut = ranges.markOut;
    return out;
  }

  private scan(text: string, out: SecretRanges): void {
    for (let i = 0; i < this.scanners.length; i++) this.scanners[i].scan(text, out);
    const query = this.query;
    const textRules = this.textRules;
    if (query === undefined || textRules === undefined) return;
    const equals = text.includes('=');
    if (equals) scanQueryPairs(text, query.isSensitive, query.censorValue, out);
    if (equals || text.includes(':')) scanKeyValuePairs(text, textRules, this.censorHead, out);
  }
}
