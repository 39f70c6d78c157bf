import { currentRequestScope, type RequestScope } from '../kernel/request-scope';
import type { ValueDetector } from './value-detectors';
import type { ValueScanner } from './value-scanner';

/** Below this length a string cannot hold a token, card number, key block or `?k=v` secret. */
const MIN_SECRET_TEXT = 8;
/**
 * How far past `maxStringLength` the detectors look before the string is cut, so that a secret
 * starting before the cut is seen whole: longer than any token detected (a 4096-bit RSA key in
 * PEM is about 3.3 KB), and a bound on the work a single long string can cost.
 */
export const SCAN_LOOKAHEAD = 16_384;
/**
 * Strings up to this length that were scanned and found clean are remembered (header values,
 * codes and messages repeat from request to request), up to {@link CLEAN_CACHE_SIZE} of them.
 */
const CLEAN_CACHE_LENGTH = 512;
const CLEAN_CACHE_SIZE = 1000;
/**
 * Lookups per window of the cache's hit rate. A window with fewer hits than an eighth of its
 * lookups (strings that do not repeat, such as request bodies) admits only one new string in 32
 * to the next window: remembering strings that never come back costs more (the collector moves
 * every one of them to the old generation) than scanning them, and a few are still admitted so
 * that strings which do repeat are found again.
 */
const CLEAN_CACHE_WINDOW = 1024;

/** What a {@link TextRedactor} is made of. */
export interface TextRedactorOptions {
  readonly censor: string;
  /** Hex characters of the hash in HMAC mode (`[REDACTED:<hash>]`), 0 without HMAC. */
  readonly hashLength: number;
  readonly values: ValueScanner;
  readonly userDetectors: readonly ValueDetector[];
  readonly maxStringLength: number;
  readonly maxScanChars: number;
}

/** Where the scan budget stood, to give back what a walk that gave up had taken. */
export interface BudgetMark {
  readonly scanned: number;
  readonly spent: boolean;
}

/**
 * Redacts one string: the built-in scanners and the query scan on its first `maxStringLength` +
 * {@link SCAN_LOOKAHEAD} characters, then the user's detectors, then the cut, which never splits
 * a replacement. Pays for what it scans from the request's budget (the call's outside a request),
 * and remembers strings it found clean.
 */
export class TextRedactor {
  private readonly censor: string;
  private readonly hashLength: number;
  private readonly values: ValueScanner;
  private readonly userDetectors: readonly ValueDetector[];
  private readonly maxStringLength: number;
  private readonly maxScanChars: number;
  /** Strings shorter than this are not scanned (0 when user detectors may match anything). */
  private readonly minScanLength: number;
  /** Nothing to scan for: strings are only cut. */
  private readonly idle: boolean;
  /** The censor up to its closing `]`: how a censor (plain or with a hash) begins. */
  private readonly censorHead: string;
  /**
   * Strings scanned and found clean, so a string seen again (a header value, a code, a message)
   * is not scanned again. Only clean strings are kept, never one that held a secret; cleared when
   * full. Absent with detectors of your own, which may not give the same answer twice.
   */
  private readonly clean: Set<string> | undefined;
  private cleanLookups = 0;
  private cleanHits = 0;
  /** Whether every clean string is admitted (else one in 32), from the last window's hit rate. */
  private admitAll = true;
  /** Nesting of public calls: the budget is taken when the outermost one starts. */
  private calls = 0;
  /**
   * The request being served, whose budget the current call spends; looked up when the call
   * first needs the budget (a string found clean before, or too short to hold a secret, needs
   * none), so a call that scans nothing costs no lookup of the request's context.
   */
  private scope: RequestScope | undefined;
  private scopeKnown = false;
  /** Outside a request: the budget of the current call. */
  private callScanned = 0;
  private callBudgetSpent = false;

  constructor(o: TextRedactorOptions) {
    this.censor = o.censor;
    this.hashLength = o.hashLength;
    this.values = o.values;
    this.userDetectors = o.userDetectors;
    this.maxStringLength = o.maxStringLength;
    this.maxScanChars = o.maxScanChars;
    this.minScanLength = o.userDetectors.length > 0 ? 0 : MIN_SECRET_TEXT;
    this.idle = o.values.idle && o.userDetectors.length === 0;
    this.censorHead = o.censor.endsWith(']') ? o.censor.slice(0, -1) : o.censor;
    this.clean = o.userDetectors.length > 0 ? undefined : new Set();
  }

  /** Starts a public call: the outermost one opens a budget of its own for use outside a request. */
  begin(): void {
    if (this.calls++ > 0) return;
    this.scopeKnown = false;
    this.callScanned = 0;
    this.callBudgetSpent = false;
  }

  /** Ends a public call started with {@link begin}. */
  end(): void {
    if (--this.calls === 0) {
      this.scope = undefined;
      this.scopeKnown = false;
    }
  }

  /** The request whose budget the current call spends, found at its first use in the call. */
  private budgetScope(): RequestScope | undefined {
    if (!this.scopeKnown) {
      this.scope = currentRequestScope();
      this.scopeKnown = true;
    }
    return this.scope;
  }

  /** Where the budget stands now. */
  mark(): BudgetMark {
    const scope = this.budgetScope();
    return scope
      ? { scanned: scope.scannedChars, spent: scope.scanBudgetSpent }
      : { scanned: this.callScanned, spent: this.callBudgetSpent };
  }

  /** Puts the budget back where `mark` found it. */
  restore(mark: BudgetMark): void {
    const scope = this.budgetScope();
    if (scope) {
      scope.scannedChars = mark.scanned;
      scope.scanBudgetSpent = mark.spent;
    } else {
      this.callScanned = mark.scanned;
      this.callBudgetSpent = mark.spent;
    }
  }

  /** `text` with its secrets replaced, then cut to `maxStringLength`. */
  redact(text: string): string {
    const length = text.length;
    const max = this.maxStringLength;
    if (length < this.minScanLength || this.idle) {
      return length > max ? `${text.slice(0, max)}…[${length - max} more chars]` : text;
    }
    const clean =
      this.clean !== undefined && length <= CLEAN_CACHE_LENGTH && length <= max ? this.clean : undefined;
    if (clean !== undefined && this.remembered(clean, text)) return text;
    const windowEnd = Math.min(length, max + SCAN_LOOKAHEAD);
    if (!this.charge(windowEnd)) return `[not scanned: ${length} chars]`;
    const windowed = windowEnd < length;
    let out = this.values.redact(windowed ? text.slice(0, windowEnd) : text, this.censor, max);
    // A string that runs past the window keeps nothing from beyond its first `max` characters
    // (a secret across that point is replaced whole), however much the detectors shortened the
    // text before it: a token across the end of the window looks like nothing to them, and its
    // first part must not move up before the cut.
    let keep = windowed ? this.values.markOut : out.length;
    if (clean !== undefined && out === text) {
      if (this.admitAll || (this.cleanLookups & 31) === 0) {
        if (clean.size >= CLEAN_CACHE_SIZE) clean.clear();
        clean.add(text);
      }
      return text;
    }
    const scanned = out;
    for (const d of this.userDetectors) {
      try {
        const replaced = d.replace(out, this.censor);
        out = typeof replaced === 'string' ? replaced : this.censor;
      } catch {
        // A detector that fails cannot vouch for the text: none of it is kept.
        return this.censor;
      }
    }
    if (windowed && out !== scanned) keep = keptBefore(scanned, out, keep);
    const unscanned = length - windowEnd;
    if (out.length <= max && unscanned === 0) return out;
    const cut = this.cutPoint(out, Math.min(out.length, max, keep));
    const more = out.length - cut + unscanned;
    return more === 0 ? out : `${out.slice(0, cut)}…[${more} more chars]`;
  }

  /** True when `text` was found clean before; keeps the hit rate that decides admission. */
  private remembered(clean: Set<string>, text: string): boolean {
    const hit = clean.has(text);
    if (hit) this.cleanHits++;
    if (++this.cleanLookups === CLEAN_CACHE_WINDOW) {
      this.admitAll = this.cleanHits * 8 >= CLEAN_CACHE_WINDOW;
      this.cleanLookups = 0;
      this.cleanHits = 0;
    }
    return hit;
  }

  /** Takes `chars` from the budget: the request's when in one, else the call's. */
  private charge(chars: number): boolean {
    const scope = this.budgetScope();
    if (scope !== undefined) {
      if (scope.scanBudgetSpent || scope.scannedChars + chars > this.maxScanChars) {
        scope.scanBudgetSpent = true;
        return false;
      }
      scope.scannedChars += chars;
      return true;
    }
    if (this.callBudgetSpent || this.callScanned + chars > this.maxScanChars) {
      this.callBudgetSpent = true;
      return false;
    }
    this.callScanned += chars;
    return true;
  }

  /** `at`, or the end of a censor that straddles it: the cut never splits a replacement. */
  private cutPoint(text: string, at: number): number {
    const head = this.censorHead;
    if (head === '' || at >= text.length) return at;
    const i = text.lastIndexOf(head, at - 1);
    if (i === -1) return at;
    let end = i;
    if (this.hashLength > 0 && text.charCodeAt(i + head.length) === 58 /* : */) {
      end = i + this.censor.length + 1 + this.hashLength;
    } else if (text.startsWith(this.censor, i)) {
      end = i + this.censor.length;
    }
    return Math.max(at, Math.min(end, text.length));
  }
}

/**
 * Where the cut may be made in `after`, what detectors of your own made of `before`, when it
 * could be made at `keep` in `before`: what they took out before `keep` moves it up as much (and
 * no further than the first character they changed). Made conservatively: all they took out
 * counts, wherever it was.
 */
function keptBefore(before: string, after: string, keep: number): number {
  const limit = Math.min(keep, after.length);
  let same = 0;
  while (same < limit && after.charCodeAt(same) === before.charCodeAt(same)) same++;
  if (same === keep) return keep;
  return Math.max(same, keep - Math.max(0, before.length - after.length));
}
