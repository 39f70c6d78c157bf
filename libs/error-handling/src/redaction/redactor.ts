import { createHmac } from 'node:crypto';
import { describeType, MAX_CAUSES, safeGet, safeInstanceOf, safeString } from '../kernel/safe-access';
import { compileRedaction } from './compile-redaction';
import {
  compileInPlaceStringify,
  stringifyPathsInPlace,
  UNSAFE_SEGMENTS,
  type InPlaceStringify,
} from './compiled-paths';
import { InPlaceStringifier } from './in-place-stringify';
import type { RedactionOptions } from './redaction.options';
import type { SensitiveKeyMatcher } from './sensitive-keys';
import { TextRedactor } from './text-redactor';
import { builtInScanners, luhn } from './value-detectors';
import { ValueScanner } from './value-scanner';

/** Where a V8 stack trace's frames begin. */
const STACK_FRAME = /\n\s+at /;
/** Members of an Error already written as type, message, stack and cause. */
const ERROR_OWN_KEYS = new Set(['message', 'stack', 'cause', 'type', 'name']);
/** Fields of errors that hold the bound values of a failed statement. */
const ERROR_VALUE_KEYS = new Set(['params', 'parameters', 'values', 'bindings']);

/**
 * Removes secrets from any value before it leaves the process: log lines, problem bodies,
 * debug pages, and (through the same instance) audit records, alerts and tracker events.
 * Compiled once from options; `redact()` never mutates its input and never throws.
 *
 * @example
 * const redactor = new Redactor({ keys: ['phone'] });
 * redactor.redact({ user: 'ann', password: 'x' }); // { user: 'ann', password: '[REDACTED]' }
 */
export class Redactor {
  /** The replacement text. */
  readonly censor: string;
  private readonly keys: SensitiveKeyMatcher;
  private readonly paths: readonly (readonly string[])[];
  /** Paths are tracked during a walk only when there are paths to match. */
  private readonly trackPaths: boolean;
  private readonly cardNumbers: boolean;
  /** Secrets inside strings: scanners, detectors of your own, the cut and the scan budget. */
  private readonly text: TextRedactor;
  /** No keys and no detectors: only explicit paths, which `stringify()` applies in place. */
  private readonly pathsInPlace: boolean;
  /** The compiled in-place stringify, when every path is free of wildcards. */
  private readonly compiledPaths: InPlaceStringify | undefined;
  /** Keys or detectors and no paths: `stringify()` censors plain data in place. */
  private readonly inPlace: InPlaceStringifier | undefined;
  private readonly censorOriginal = (original: unknown): unknown => this.censorValue(original);
  private readonly maxDepth: number;
  private readonly maxArrayLength: number;
  private readonly hmacKey: Buffer | undefined;
  private readonly hmacLength: number;

  constructor(options: RedactionOptions = {}) {
    const o = compileRedaction(options);
    this.censor = o.censor;
    this.keys = o.keys;
    this.paths = o.paths;
    this.trackPaths = this.paths.length > 0;
    const scanners = builtInScanners(o.detectors);
    const values = new ValueScanner(
      scanners,
      o.keys.empty
        ? undefined
        : {
            isSensitive: (key) => this.isSensitiveKey(key),
            isSensitiveTextKey: (key) => this.keys.matchesWord(key),
            censorValue: (value) => this.censorValue(value),
          },
    );
    this.text = new TextRedactor({
      censor: o.censor,
      hashLength: o.hmacKey ? o.hmacLength : 0,
      values,
      userDetectors: o.userDetectors,
      maxStringLength: o.maxStringLength,
      maxScanChars: o.maxScanChars,
    });
    this.cardNumbers = o.detectors.has('card-number');
    const pathsOnly = o.keys.empty && scanners.length === 0 && o.userDetectors.length === 0;
    this.pathsInPlace = pathsOnly && this.paths.every((p) => p.every((s) => !UNSAFE_SEGMENTS.has(s)));
    this.compiledPaths =
      this.pathsInPlace && this.paths.every((p) => !p.includes('*'))
        ? compileInPlaceStringify(this.paths)
        : undefined;
    this.maxDepth = o.maxDepth;
    this.maxArrayLength = o.maxArrayLength;
    this.inPlace =
      pathsOnly || this.trackPaths || o.hmacKey
        ? undefined
        : new InPlaceStringifier(
            o.keys,
            {
              censorValue: (value) => this.censorValue(value),
              redactText: (text) => this.text.redact(text),
              redactNumber: (value) => (this.cardNumbers && looksLikeCardNumber(value) ? this.censor : value),
            },
            o.maxDepth,
            o.maxArrayLength,
          );
    this.hmacKey = o.hmacKey;
    this.hmacLength = o.hmacLength;
  }

  /**
   * True when a key names a secret: case and separators (`-_. +[]`) ignored, a plural `s` and
   * trailing digits ignored, compound names by their ending, and each bracket segment of a
   * query-style key (`user[password]`) on its own.
   */
  isSensitiveKey(key: string): boolean {
    return this.keys.matches(key);
  }

  /** Returns a redacted copy of `value`. Errors become plain `{ type, message, stack, … }` objects. */
  redact<T>(value: T): T {
    this.text.begin();
    try {
      return this.walk(value, 0, [], new Set()) as T;
    } finally {
      this.text.end();
    }
  }

  /**
   * The redacted value as a JSON string, equal to `JSON.stringify(redact(value))`: what a log
   * line or a body needs. It is made without a copy where it can be, as fast-redact does: what
   * differs is written into `value`, serialised, and put back before it returns. With only
   * explicit paths (`builtInKeys: false`, `builtInDetectors: false`, no keys or detectors of your
   * own) the paths are censored so; with keys or detectors and no paths, plain data (plain
   * objects, arrays, primitives, Dates) is. Anything else takes the copying walk.
   */
  stringify(value: unknown): string {
    if (this.compiledPaths) {
      try {
        return this.compiledPaths(value, this.censorOriginal);
      } catch {
        // Frozen objects, BigInts, cycles: the copying walk below handles them.
      }
    } else if (this.pathsInPlace) {
      const inPlace = stringifyPathsInPlace(value, this.paths, this.censorOriginal);
      if (inPlace !== undefined) return inPlace;
    } else if (this.inPlace && typeof value === 'object' && value !== null) {
      const json = this.stringifyPlainInPlace(value, this.inPlace);
      if (json !== undefined) return json;
    }
    return JSON.stringify(this.redact(value)) ?? 'null';
  }

  /** The in-place stringify of plain data; what it scanned is given back when it cannot finish. */
  private stringifyPlainInPlace(value: object, inPlace: InPlaceStringifier): string | undefined {
    this.text.begin();
    const mark = this.text.mark();
    try {
      const json = inPlace.stringify(value);
      // The copying walk scans the same strings again: they are not paid for twice.
      if (json === undefined) this.text.restore(mark);
      return json;
    } finally {
      this.text.end();
    }
  }

  /**
   * What a sensitive value is replaced with: the censor, or in HMAC mode
   * `[REDACTED:<keyed hash>]` for strings and numbers, so equal values stay correlatable.
   */
  censorValue(value: unknown): string {
    if (
      !this.hmacKey ||
      (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'bigint')
    ) {
      return this.censor;
    }
    const digest = createHmac('sha256', this.hmacKey).update(String(value)).digest('hex');
    const hash = digest.slice(0, this.hmacLength);
    return this.censor.endsWith(']') ? `${this.censor.slice(0, -1)}:${hash}]` : `${this.censor}:${hash}`;
  }

  /**
   * Redacts secrets inside one string (the value detectors, then sensitive query parameters,
   * then detectors of your own) and only then cuts it to `maxStringLength`: a secret across the
   * cut is replaced whole. Counts against the request's scan budget.
   */
  redactString(text: string): string {
    this.text.begin();
    try {
      return this.text.redact(text);
    } finally {
      this.text.end();
    }
  }

  /**
   * A stack trace: the text before the first frame (`Type: message`, where secrets can be) is
   * redacted; the frames themselves are code locations and are kept as they are.
   */
  redactStack(stack: string): string {
    this.text.begin();
    try {
      return this.redactStackText(stack);
    } finally {
      this.text.end();
    }
  }

  /** An Error as a plain, redacted object: type, message, code, stack, own fields, cause chain. */
  redactError(error: unknown): Record<string, unknown> {
    this.text.begin();
    try {
      return this.errorToObject(error, 0, [], new Set([error as object]), 0);
    } finally {
      this.text.end();
    }
  }

  private redactStackText(stack: string): string {
    const firstFrame = stack.search(STACK_FRAME);
    if (firstFrame === -1) return this.text.redact(stack);
    return this.text.redact(stack.slice(0, firstFrame)) + stack.slice(firstFrame);
  }

  private walk(value: unknown, depth: number, path: string[], ancestors: Set<object>): unknown {
    if (typeof value === 'string') return this.text.redact(value);
    if (value === null || typeof value !== 'object') {
      if (typeof value === 'number')
        return this.cardNumbers && looksLikeCardNumber(value) ? this.censor : value;
      if (typeof value === 'bigint') {
        return this.cardNumbers && looksLikeCardNumber(value) ? this.censor : value.toString();
      }
      return typeof value === 'function' || typeof value === 'symbol' ? `[${typeof value}]` : value;
    }
    if (ancestors.has(value)) return '[Circular]';
    const pathLength = path.length;
    ancestors.add(value);
    // Everything below may meet a hostile Proxy (throwing traps, revoked): it becomes
    // '[Unreadable]' on its own, and its siblings are kept.
    try {
      if (Array.isArray(value)) {
        return depth >= this.maxDepth ? '[Truncated]' : this.walkArray(value, depth, path, ancestors);
      }
      if (Buffer.isBuffer(value)) return `[Buffer ${value.length} bytes]`;
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
      if (depth >= this.maxDepth) return '[Truncated]';
      if (value instanceof Error) return this.errorToObject(value, depth, path, ancestors, 0);
      if (value instanceof Map) return this.walk(Object.fromEntries(value), depth, path, ancestors);
      if (value instanceof Set) return this.walk([...value], depth, path, ancestors);
      const out: Record<string, unknown> = {};
      const keys = Object.keys(value);
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i];
        if (this.trackPaths) path.push(key);
        setMember(out, key, this.walkMember(value, key, depth, path, ancestors));
        if (this.trackPaths) path.pop();
      }
      return out;
    } catch {
      return '[Unreadable]';
    } finally {
      ancestors.delete(value);
      path.length = pathLength;
    }
  }

  private walkMember(
    owner: object,
    key: string,
    depth: number,
    path: string[],
    ancestors: Set<object>,
  ): unknown {
    const value = readProperty(owner, key);
    if (this.keys.matches(key) || (this.trackPaths && this.isRedactedPath(path)))
      return this.censorValue(value);
    return this.walk(value, depth + 1, path, ancestors);
  }

  private walkArray(value: unknown[], depth: number, path: string[], ancestors: Set<object>): unknown[] {
    const n = Math.min(value.length, this.maxArrayLength);
    const out: unknown[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const item = readProperty(value, i);
      if (this.trackPaths) {
        path.push(String(i));
        out[i] = this.isRedactedPath(path)
          ? this.censorValue(item)
          : this.walk(item, depth + 1, path, ancestors);
        path.pop();
      } else {
        out[i] = this.walk(item, depth + 1, path, ancestors);
      }
    }
    if (value.length > n) out.push(`[${value.length - n} more items]`);
    return out;
  }

  private errorToObject(
    error: unknown,
    depth: number,
    path: string[],
    ancestors: Set<object>,
    causeDepth: number,
  ): Record<string, unknown> {
    const out: Record<string, unknown> = { type: describeType(error) };
    const message = safeString(error, 'message');
    if (message !== undefined) out.message = this.text.redact(message);
    const stack = safeString(error, 'stack');
    if (stack !== undefined) out.stack = this.redactStackText(stack);
    let keys: string[] = [];
    try {
      keys = typeof error === 'object' && error !== null ? Object.keys(error) : [];
    } catch {
      keys = [];
    }
    for (const key of keys) {
      if (ERROR_OWN_KEYS.has(key)) continue;
      path.push(key);
      // Database drivers (PGlite, some ORMs) attach the statement's bound values to errors.
      setMember(
        out,
        key,
        ERROR_VALUE_KEYS.has(key)
          ? this.censor
          : this.walkMember(error as object, key, depth, path, ancestors),
      );
      path.pop();
    }
    const cause = safeGet(error, 'cause');
    if (cause !== undefined) {
      if (typeof cause === 'object' && cause !== null && ancestors.has(cause)) out.cause = '[Circular]';
      else if (causeDepth >= MAX_CAUSES) out.cause = '[Truncated]';
      else if (safeInstanceOf(cause, Error)) {
        ancestors.add(cause as object);
        out.cause = this.errorToObject(cause, depth, path, ancestors, causeDepth + 1);
        ancestors.delete(cause as object);
      } else out.cause = this.walk(cause, depth + 1, path, ancestors);
    }
    return out;
  }

  private isRedactedPath(path: readonly string[]): boolean {
    outer: for (const p of this.paths) {
      if (p.length !== path.length) continue;
      for (let i = 0; i < p.length; i++) if (p[i] !== '*' && p[i] !== path[i]) continue outer;
      return true;
    }
    return false;
  }
}

/**
 * Writes a member of a copy as plain data. `out['__proto__'] = v` would replace the copy's
 * prototype instead (and the member, the evidence of a pollution attempt, would vanish), so that
 * key is defined; `constructor` and `prototype` become own data members by plain assignment.
 */
function setMember(out: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    out[key] = value;
  }
}

function readProperty(obj: object, key: string | number): unknown {
  try {
    return (obj as Record<string | number, unknown>)[key];
  } catch {
    return '[Unreadable]';
  }
}

/** A whole number of 13-19 digits that passes the Luhn check: a card number sent as a number. */
function looksLikeCardNumber(value: number | bigint): boolean {
  if (typeof value === 'number' && (!Number.isInteger(value) || Math.abs(value) < 1e12)) return false;
  const digits = (value < 0 ? -value : value).toString();
  return digits.length >= 13 && digits.length <= 19 && luhn(digits);
}
