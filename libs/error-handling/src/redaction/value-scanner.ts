import { hasPercentEscape, percentDecode } from './percent-decoding';
import { scanQueryPairs } from './query-scanner';
import { SecretRanges, scanMeter } from './secret-ranges';
import type { SecretScanner } from './secret-scanners';

/** How query parameters are judged and censored; absent when no key can be sensitive. */
export interface QueryRules {
  isSensitive(key: string): boolean;
  censorValue(value: string): string;
}

/**
 * A cheap necessary condition for any built-in scanner to find something in a string of 12
 * characters or more: most strings (header values, names, messages) match none of it and are
 * returned as they are after this one search. Few alternatives, each a rare character or a
 * literal, because the search tries every alternative at every position.
 */
export const SECRET_HINT =
  /[=%:J_]|--|x(?:ox|ap)|A[KSBC3I]|[Kk](?:s\.s|[Ee][Nn][\s+])|\d{4}[ +-]?\d{4}|[Bb](?:[Ee][Aa][Rr][Ee][Rr]|[Aa][Ss][Ii][Cc])[\s+]/;
/** Below 12 characters only a query pair, a percent-encoded one or a URL password fits. */
const SHORT_HINT = /[=%]|:\/\//;
const SHORT = 12;

/**
 * The built-in scanners and the query-parameter scan, run over one string: each scanner once
 * over the text and, when the text holds `%XX` escapes, once more over its decoded form (whose
 * findings are mapped back to the original positions). A fixed number of linear passes.
 */
export class ValueScanner {
  private readonly ranges = new SecretRanges();
  private readonly decodedRanges = new SecretRanges();

  /**
   * @param hinted Whether strings are pre-checked with {@link SECRET_HINT} (off only in tests
   *   that check the pre-check never hides a secret).
   */
  constructor(
    private readonly scanners: readonly SecretScanner[],
    private readonly query: QueryRules | undefined,
    private readonly hinted = true,
  ) {}

  /** True when there is nothing to scan for. */
  get idle(): boolean {
    return this.scanners.length === 0 && this.query === undefined;
  }

  /** `text` with every secret found replaced by `censor` (query values by `censorValue`). */
  redact(text: string, censor: string): string {
    scanMeter.chars += text.length;
    if (this.hinted && !(text.length < SHORT ? SHORT_HINT : SECRET_HINT).test(text)) return text;
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
    return ranges.apply(text, text.length, censor);
  }

  private scan(text: string, out: SecretRanges): void {
    for (let i = 0; i < this.scanners.length; i++) this.scanners[i].scan(text, out);
    const query = this.query;
    if (query !== undefined && text.includes('=')) {
      scanQueryPairs(text, query.isSensitive, query.censorValue, out);
    }
  }
}
