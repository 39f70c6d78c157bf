import { FaultlineConfigError } from '../errors/faultline-config.error';
import { DEFAULT_SENSITIVE_KEYS, SUFFIX_SENSITIVE_KEYS, normalizeKey } from './sensitive-keys';
import type { RedactionOptions } from './redaction.options';
import { DEFAULT_VALUE_DETECTORS, type ValueDetector } from './value-detectors';

const QUERY_PAIR = /([?&;])([^=&#;\s]+)=([^&#;\s]*)/g;

/**
 * Removes secrets from any value before it leaves the process: log lines, problem bodies,
 * debug pages. Compiled once from options; `redact()` never mutates its input and never throws.
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
  private readonly paths: readonly (readonly string[])[];
  private readonly detectors: readonly ValueDetector[];
  private readonly maxDepth: number;
  private readonly maxArrayLength: number;
  private readonly maxStringLength: number;

  constructor(options: RedactionOptions = {}) {
    if (options.censor !== undefined && typeof options.censor !== 'string') {
      throw new FaultlineConfigError('redaction.censor', 'must be a string');
    }
    this.censor = options.censor ?? '[REDACTED]';
    const userKeys = listOption(options.keys, 'redaction.keys');
    userKeys.forEach((k, i) => {
      if (typeof k !== 'string' || normalizeKey(k) === '') {
        throw new FaultlineConfigError(`redaction.keys[${i}]`, 'must be a non-empty string');
      }
    });
    this.exactKeys = new Set([...DEFAULT_SENSITIVE_KEYS, ...(userKeys as string[])].map(normalizeKey));
    this.suffixKeys = SUFFIX_SENSITIVE_KEYS;
    this.paths = listOption(options.paths, 'redaction.paths').map((p, i) => compilePath(p, i));
    const detectors = listOption(options.detectors, 'redaction.detectors');
    detectors.forEach((d, i) => {
      const ok = typeof d === 'object' && d !== null && typeof (d as ValueDetector).replace === 'function';
      if (!ok)
        throw new FaultlineConfigError(
          `redaction.detectors[${i}]`,
          'must be { name, replace(text, censor) }',
        );
    });
    this.detectors = [...DEFAULT_VALUE_DETECTORS, ...(detectors as ValueDetector[])];
    this.maxDepth = positiveInt(options.maxDepth, 16, 'redaction.maxDepth');
    this.maxArrayLength = positiveInt(options.maxArrayLength, 100, 'redaction.maxArrayLength');
    this.maxStringLength = positiveInt(options.maxStringLength, 8192, 'redaction.maxStringLength');
  }

  /** True when a key (in any case or separator style) names a secret. */
  isSensitiveKey(key: string): boolean {
    const k = normalizeKey(key);
    if (this.exactKeys.has(k)) return true;
    for (const suffix of this.suffixKeys) if (k.endsWith(suffix)) return true;
    return false;
  }

  /** Returns a redacted copy of `value`. */
  redact<T>(value: T): T {
    return this.walk(value, 0, [], new Set()) as T;
  }

  /** Redacts secrets inside one string: detectors, then sensitive query parameters. */
  redactString(text: string): string {
    let out =
      text.length > this.maxStringLength
        ? `${text.slice(0, this.maxStringLength)}…[${text.length - this.maxStringLength} more chars]`
        : text;
    for (const d of this.detectors) {
      try {
        const replaced = d.replace(out, this.censor);
        out = typeof replaced === 'string' ? replaced : this.censor;
      } catch {
        // A detector that fails cannot vouch for the text: none of it is kept.
        return this.censor;
      }
    }
    if (out.includes('=') && (out.includes('?') || out.includes('&'))) {
      out = out.replace(QUERY_PAIR, (m, sep: string, key: string) =>
        this.isSensitiveKey(safeDecode(key)) ? `${sep}${key}=${this.censor}` : m,
      );
    }
    return out;
  }

  private walk(value: unknown, depth: number, path: string[], ancestors: Set<object>): unknown {
    if (typeof value === 'string') return this.redactString(value);
    if (value === null || typeof value !== 'object') {
      if (typeof value === 'bigint') return value.toString();
      return typeof value === 'function' || typeof value === 'symbol' ? `[${typeof value}]` : value;
    }
    if (ancestors.has(value)) return '[Circular]';
    const pathLength = path.length;
    ancestors.add(value);
    // Everything below may meet a hostile Proxy (throwing traps, revoked): it becomes
    // '[Unreadable]' on its own, and its siblings are kept.
    try {
      if (Buffer.isBuffer(value)) return `[Buffer ${value.length} bytes]`;
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
      if (depth >= this.maxDepth) return '[Truncated]';
      if (Array.isArray(value)) return this.walkArray(value, depth, path, ancestors);
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(value)) {
        path.push(key);
        out[key] = this.isRedacted(key, path)
          ? this.censor
          : this.walk(readProperty(value, key), depth + 1, path, ancestors);
        path.pop();
      }
      return out;
    } catch {
      return '[Unreadable]';
    } finally {
      ancestors.delete(value);
      path.length = pathLength;
    }
  }

  private walkArray(value: unknown[], depth: number, path: string[], ancestors: Set<object>): unknown[] {
    const n = Math.min(value.length, this.maxArrayLength);
    const out: unknown[] = new Array(n);
    for (let i = 0; i < n; i++) {
      path.push(String(i));
      out[i] = this.isRedactedPath(path)
        ? this.censor
        : this.walk(readProperty(value, i), depth + 1, path, ancestors);
      path.pop();
    }
    if (value.length > n) out.push(`[${value.length - n} more items]`);
    return out;
  }

  private isRedacted(key: string, path: readonly string[]): boolean {
    return this.isSensitiveKey(key) || this.isRedactedPath(path);
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
