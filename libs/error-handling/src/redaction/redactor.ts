import { createHmac } from 'node:crypto';
import { FaultlineConfigError } from '../errors/faultline-config.error';
import { describeType, safeGet, safeInstanceOf, safeString } from '../errors/safe-access';
import { compileInPlaceStringify, type InPlaceStringify } from './compiled-paths';
import { DEFAULT_SENSITIVE_KEYS, SUFFIX_SENSITIVE_KEYS, normalizeKey } from './sensitive-keys';
import type { RedactionOptions } from './redaction.options';
import { DEFAULT_VALUE_DETECTORS, luhn, type ValueDetector } from './value-detectors';

const QUERY_PAIR = /([?&;])([^=&#;\s]+)=([^&#;\s]*)/g;
/** Below this length a string cannot hold a token, card number, key block or `?k=v` secret. */
const MIN_SECRET_TEXT = 8;
/** Below this length a string cannot hold a JWT, PEM key, `Bearer …` credential or card number. */
const MIN_DETECTOR_TEXT = 13;
/**
 * One cheap test before the built-in detectors run: a string with none of these cannot hold a
 * JWT, a PEM key, an auth-scheme credential or a card number.
 */
const BUILT_IN_HINT = /eyJ|PRIVATE KEY|bearer\s|basic\s|token\s|\d{4}/i;
const REDACTION_OPTIONS = [
  'keys',
  'paths',
  'censor',
  'detectors',
  'builtInKeys',
  'builtInDetectors',
  'maxDepth',
  'maxArrayLength',
  'maxStringLength',
  'hmac',
];
/** Where a V8 stack trace's frames begin. */
const STACK_FRAME = /\n\s+at /;
/** Members of an Error already written as type, message, stack and cause. */
const ERROR_OWN_KEYS = new Set(['message', 'stack', 'cause', 'type', 'name']);
const KEY_CACHE_LIMIT = 10_000;
const MAX_CAUSES = 8;
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
  private readonly exactKeys: ReadonlySet<string>;
  private readonly suffixKeys: readonly string[];
  private readonly keyCache = new Map<string, boolean>();
  private readonly paths: readonly (readonly string[])[];
  /** Paths are tracked during a walk only when there are paths to match. */
  private readonly trackPaths: boolean;
  private readonly builtInDetectors: boolean;
  private readonly userDetectors: readonly ValueDetector[];
  /** Query strings are scanned when there are keys that could name a parameter. */
  private readonly scanQueries: boolean;
  /** No keys and no detectors: only explicit paths, which `stringify()` applies in place. */
  private readonly pathsOnly: boolean;
  /** The compiled in-place stringify, when every path is free of wildcards. */
  private readonly compiledPaths: InPlaceStringify | undefined;
  private readonly censorOriginal = (original: unknown): unknown => this.censorValue(original);
  private readonly maxDepth: number;
  private readonly maxArrayLength: number;
  private readonly maxStringLength: number;
  private readonly hmacKey: Buffer | undefined;
  private readonly hmacLength: number;
  /** Strings shorter than this skip the detectors (0 when user detectors may match anything). */
  private readonly minScanLength: number;

  constructor(options: RedactionOptions = {}) {
    for (const key of Object.keys(options)) {
      if (!REDACTION_OPTIONS.includes(key)) {
        throw new FaultlineConfigError(
          `redaction.${key}`,
          'is not a redaction option',
          `Known: ${REDACTION_OPTIONS.join(', ')}`,
        );
      }
    }
    if (options.censor !== undefined && typeof options.censor !== 'string') {
      throw new FaultlineConfigError('redaction.censor', 'must be a string');
    }
    this.censor = options.censor ?? '[REDACTED]';
    const builtInKeys = flag(options.builtInKeys, 'redaction.builtInKeys');
    this.builtInDetectors = flag(options.builtInDetectors, 'redaction.builtInDetectors');
    const userKeys = listOption(options.keys, 'redaction.keys');
    userKeys.forEach((k, i) => {
      if (typeof k !== 'string' || normalizeKey(k) === '') {
        throw new FaultlineConfigError(`redaction.keys[${i}]`, 'must be a non-empty string');
      }
    });
    this.exactKeys = new Set(
      [...(builtInKeys ? DEFAULT_SENSITIVE_KEYS : []), ...(userKeys as string[])].map(normalizeKey),
    );
    this.suffixKeys = builtInKeys ? SUFFIX_SENSITIVE_KEYS : [];
    this.paths = listOption(options.paths, 'redaction.paths').map((p, i) => compilePath(p, i));
    this.trackPaths = this.paths.length > 0;
    const detectors = listOption(options.detectors, 'redaction.detectors');
    detectors.forEach((d, i) => {
      const ok = typeof d === 'object' && d !== null && typeof (d as ValueDetector).replace === 'function';
      if (!ok) {
        throw new FaultlineConfigError(
          `redaction.detectors[${i}]`,
          'must be { name, replace(text, censor) }',
        );
      }
    });
    this.userDetectors = detectors as ValueDetector[];
    this.minScanLength = detectors.length > 0 ? 0 : MIN_SECRET_TEXT;
    this.scanQueries = this.exactKeys.size > 0;
    this.pathsOnly = this.exactKeys.size === 0 && !this.builtInDetectors && detectors.length === 0;
    this.compiledPaths =
      this.pathsOnly && this.paths.every((p) => !p.includes('*'))
        ? compileInPlaceStringify(this.paths)
        : undefined;
    this.maxDepth = positiveInt(options.maxDepth, 16, 'redaction.maxDepth');
    this.maxArrayLength = positiveInt(options.maxArrayLength, 100, 'redaction.maxArrayLength');
    this.maxStringLength = positiveInt(options.maxStringLength, 8192, 'redaction.maxStringLength');
    const hmac = options.hmac;
    if (hmac !== undefined) {
      const key = safeGet(hmac, 'key');
      if (!(typeof key === 'string' && key.length >= 16) && !(Buffer.isBuffer(key) && key.length >= 16)) {
        throw new FaultlineConfigError(
          'redaction.hmac.key',
          'must be a string or Buffer of at least 16 bytes',
          'Use a random secret kept outside the code, for example from an environment variable',
        );
      }
      this.hmacKey = Buffer.isBuffer(key) ? key : Buffer.from(key);
    }
    this.hmacLength = positiveInt(hmac?.length, 16, 'redaction.hmac.length');
    if (this.hmacLength > 64) throw new FaultlineConfigError('redaction.hmac.length', 'must be at most 64');
  }

  /** True when a key (in any case or separator style) names a secret. */
  isSensitiveKey(key: string): boolean {
    const cached = this.keyCache.get(key);
    if (cached !== undefined) return cached;
    const k = normalizeKey(key);
    let sensitive = this.exactKeys.has(k);
    for (let i = 0; !sensitive && i < this.suffixKeys.length; i++) sensitive = k.endsWith(this.suffixKeys[i]);
    if (this.keyCache.size < KEY_CACHE_LIMIT) this.keyCache.set(key, sensitive);
    return sensitive;
  }

  /** Returns a redacted copy of `value`. Errors become plain `{ type, message, stack, … }` objects. */
  redact<T>(value: T): T {
    return this.walk(value, 0, [], new Set()) as T;
  }

  /**
   * The redacted value as a JSON string: what a log line or a body needs. With only explicit
   * paths (`builtInKeys: false`, `builtInDetectors: false`, no keys or detectors of your own)
   * the paths are censored in place and restored after `JSON.stringify`, as fast-redact does;
   * otherwise this is `JSON.stringify(redact(value))`.
   */
  stringify(value: unknown): string {
    if (this.compiledPaths) {
      try {
        return this.compiledPaths(value, this.censorOriginal);
      } catch {
        // Frozen objects, BigInts, cycles: the copying walk below handles them.
      }
    } else if (this.pathsOnly) {
      const inPlace = this.stringifyInPlace(value);
      if (inPlace !== undefined) return inPlace;
    }
    return JSON.stringify(this.redact(value)) ?? 'null';
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

  /** Redacts secrets inside one string: detectors, then sensitive query parameters. */
  redactString(text: string): string {
    if (text.length < this.minScanLength) return text;
    let out =
      text.length > this.maxStringLength
        ? `${text.slice(0, this.maxStringLength)}…[${text.length - this.maxStringLength} more chars]`
        : text;
    if (this.builtInDetectors && out.length >= MIN_DETECTOR_TEXT && BUILT_IN_HINT.test(out)) {
      for (const d of DEFAULT_VALUE_DETECTORS) out = d.replace(out, this.censor);
    }
    for (const d of this.userDetectors) {
      try {
        const replaced = d.replace(out, this.censor);
        out = typeof replaced === 'string' ? replaced : this.censor;
      } catch {
        // A detector that fails cannot vouch for the text: none of it is kept.
        return this.censor;
      }
    }
    if (this.scanQueries && out.includes('=') && (out.includes('?') || out.includes('&'))) {
      out = this.redactQueryPairs(out);
    }
    return out;
  }

  /** `?k=v` / `&k=v` pairs with a sensitive key get their value censored; the text is copied only then. */
  private redactQueryPairs(text: string): string {
    let out = '';
    let copied = 0;
    QUERY_PAIR.lastIndex = 0;
    for (let m = QUERY_PAIR.exec(text); m !== null; m = QUERY_PAIR.exec(text)) {
      const key = m[2];
      if (!this.isSensitiveKey(key.includes('%') ? safeDecode(key) : key)) continue;
      const valueStart = m.index + m[1].length + key.length + 1;
      out += text.slice(copied, valueStart) + this.censorValue(m[3]);
      copied = valueStart + m[3].length;
    }
    return copied === 0 ? text : out + text.slice(copied);
  }

  /**
   * A stack trace: the text before the first frame (`Type: message`, where secrets can be) is
   * redacted; the frames themselves are code locations and are kept as they are.
   */
  redactStack(stack: string): string {
    const firstFrame = stack.search(STACK_FRAME);
    if (firstFrame === -1) return this.redactString(stack);
    return this.redactString(stack.slice(0, firstFrame)) + stack.slice(firstFrame);
  }

  /** An Error as a plain, redacted object: type, message, code, stack, own fields, cause chain. */
  redactError(error: unknown): Record<string, unknown> {
    return this.errorToObject(error, 0, [], new Set([error as object]), 0);
  }

  private walk(value: unknown, depth: number, path: string[], ancestors: Set<object>): unknown {
    if (typeof value === 'string') return this.redactString(value);
    if (value === null || typeof value !== 'object') {
      if (typeof value === 'number')
        return this.builtInDetectors && looksLikeCardNumber(value) ? this.censor : value;
      if (typeof value === 'bigint') {
        return this.builtInDetectors && looksLikeCardNumber(value) ? this.censor : value.toString();
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
        out[key] = this.walkMember(value, key, depth, path, ancestors);
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
    if (this.isSensitiveKey(key) || (this.trackPaths && this.isRedactedPath(path)))
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
    if (message !== undefined) out.message = this.redactString(message);
    const stack = safeString(error, 'stack');
    if (stack !== undefined) out.stack = this.redactStack(stack);
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
      out[key] = ERROR_VALUE_KEYS.has(key)
        ? this.censor
        : this.walkMember(error as object, key, depth, path, ancestors);
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

  /** Censors the paths in place, stringifies, and restores; undefined when that cannot be done. */
  private stringifyInPlace(value: unknown): string | undefined {
    // Flat triples (owner, key, original), so restoring allocates nothing per path.
    const undo: unknown[] = [];
    try {
      const paths = this.paths;
      for (let p = 0; p < paths.length; p++) this.censorPath(value, paths[p], 0, undo);
      return JSON.stringify(value) ?? 'null';
    } catch {
      // Frozen objects, setters that refuse, BigInts, cycles: the copying walk handles them.
      return undefined;
    } finally {
      for (let i = undo.length - 3; i >= 0; i -= 3) {
        try {
          (undo[i] as Record<string, unknown>)[undo[i + 1] as string] = undo[i + 2];
        } catch {
          // Nothing was changed where assignment fails.
        }
      }
    }
  }

  private censorPath(node: unknown, path: readonly string[], i: number, undo: unknown[]): void {
    let owner = node;
    // Plain segments: walk straight down; a wildcard branches.
    for (; i < path.length - 1; i++) {
      if (owner === null || typeof owner !== 'object') return;
      const segment = path[i];
      if (segment === '*') {
        for (const key of Object.keys(owner))
          this.censorPath((owner as Record<string, unknown>)[key], path, i + 1, undo);
        return;
      }
      owner = (owner as Record<string, unknown>)[segment];
    }
    if (owner === null || typeof owner !== 'object') return;
    const target = owner as Record<string, unknown>;
    const last = path[i];
    if (last === '*') {
      for (const key of Object.keys(target)) this.censorMember(target, key, undo);
    } else if (Object.prototype.hasOwnProperty.call(target, last)) {
      this.censorMember(target, last, undo);
    }
  }

  private censorMember(owner: Record<string, unknown>, key: string, undo: unknown[]): void {
    const original = owner[key];
    undo.push(owner, key, original);
    owner[key] = this.hmacKey ? this.censorValue(original) : this.censor;
  }
}

function readProperty(obj: object, key: string | number): unknown {
  try {
    return (obj as Record<string | number, unknown>)[key];
  } catch {
    return '[Unreadable]';
  }
}

function compilePath(path: unknown, index: number): string[] {
  if (typeof path !== 'string' || !/^[^.\s]+(\.[^.\s]+)*$/.test(path)) {
    throw new FaultlineConfigError(
      `redaction.paths[${index}]`,
      `is not a valid dot path: ${JSON.stringify(path)}`,
      'Use keys separated by dots, with * for any one key, for example "user.address.*"',
    );
  }
  return path.split('.');
}

function listOption(value: unknown, option: string): unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new FaultlineConfigError(option, 'must be an array');
  return value;
}

function positiveInt(value: unknown, fallback: number, option: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new FaultlineConfigError(option, `must be a positive integer, got ${String(value)}`);
  }
  return value;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** A whole number of 13-19 digits that passes the Luhn check: a card number sent as a number. */
function looksLikeCardNumber(value: number | bigint): boolean {
  if (typeof value === 'number' && (!Number.isInteger(value) || Math.abs(value) < 1e12)) return false;
  const digits = (value < 0 ? -value : value).toString();
  return digits.length >= 13 && digits.length <= 19 && luhn(digits);
}

function flag(value: unknown, option: string): boolean {
  if (value === undefined) return true;
  if (typeof value !== 'boolean') throw new FaultlineConfigError(option, 'must be a boolean');
  return value;
}
