import { FaultlineConfigError } from '../kernel/faultline-config.error';
import { safeGet } from '../kernel/safe-access';
import { check, knownKeys, wholeNumber } from '../kernel/option-checks';
import type { RedactionOptions } from './redaction.options';
import {
  DEFAULT_SENSITIVE_KEYS,
  SUFFIX_SENSITIVE_KEYS,
  SensitiveKeyMatcher,
  normalizeKey,
} from './sensitive-keys';
import { BUILT_IN_DETECTOR_NAMES, type BuiltInDetectorName, type ValueDetector } from './value-detectors';

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
  'maxScanCharsPerRequest',
  'hmac',
];

/** The defaults of `redaction`, as docs/redaction.md's option table shows them. */
export const REDACTION_DEFAULTS = {
  keys: [] as string[],
  builtInKeys: true,
  builtInDetectors: true,
  paths: [] as string[],
  censor: '[REDACTED]',
  detectors: [] as unknown[],
  maxDepth: 16,
  maxArrayLength: 100,
  maxStringLength: 8192,
  maxScanCharsPerRequest: 1_048_576,
} as const;

/** What a Redactor is built from: its options, validated and compiled once. */
export interface CompiledRedaction {
  readonly censor: string;
  readonly keys: SensitiveKeyMatcher;
  readonly paths: readonly (readonly string[])[];
  readonly detectors: ReadonlySet<BuiltInDetectorName>;
  readonly userDetectors: readonly ValueDetector[];
  readonly maxDepth: number;
  readonly maxArrayLength: number;
  readonly maxStringLength: number;
  readonly maxScanChars: number;
  readonly hmacKey: Buffer | undefined;
  readonly hmacLength: number;
}

/**
 * Validates `redaction` options and compiles them. A wrong option throws a
 * {@link FaultlineConfigError} that names it, so the application does not start.
 */
export function compileRedaction(options: RedactionOptions): CompiledRedaction {
  knownKeys(options, REDACTION_OPTIONS, 'redaction');
  if (options.censor !== undefined && typeof options.censor !== 'string') {
    throw new FaultlineConfigError('redaction.censor', 'must be a string');
  }
  const builtInKeys = flag(options.builtInKeys ?? REDACTION_DEFAULTS.builtInKeys, 'redaction.builtInKeys');
  const userKeys = listOption(options.keys ?? REDACTION_DEFAULTS.keys, 'redaction.keys');
  userKeys.forEach((k, i) => {
    if (typeof k !== 'string' || normalizeKey(k) === '') {
      throw new FaultlineConfigError(`redaction.keys[${i}]`, 'must be a non-empty string');
    }
  });
  const exact = new Set(
    [...(builtInKeys ? DEFAULT_SENSITIVE_KEYS : []), ...(userKeys as string[])].map(normalizeKey),
  );
  const detectors = listOption(options.detectors ?? REDACTION_DEFAULTS.detectors, 'redaction.detectors');
  detectors.forEach((d, i) => {
    const ok = typeof d === 'object' && d !== null && typeof (d as ValueDetector).replace === 'function';
    if (!ok) {
      throw new FaultlineConfigError(`redaction.detectors[${i}]`, 'must be { name, replace(text, censor) }');
    }
  });
  const hmac = options.hmac;
  let hmacKey: Buffer | undefined;
  if (hmac !== undefined) {
    const key = safeGet(hmac, 'key');
    if (!(typeof key === 'string' && key.length >= 16) && !(Buffer.isBuffer(key) && key.length >= 16)) {
      throw new FaultlineConfigError(
        'redaction.hmac.key',
        'must be a string or Buffer of at least 16 bytes',
        'Use a random secret kept outside the code, for example from an environment variable',
      );
    }
    hmacKey = Buffer.isBuffer(key) ? key : Buffer.from(key);
  }
  const hmacLength = positiveInt(hmac?.length, 16, 'redaction.hmac.length');
  if (hmacLength > 64) throw new FaultlineConfigError('redaction.hmac.length', 'must be at most 64');
  return {
    censor: options.censor ?? REDACTION_DEFAULTS.censor,
    keys: new SensitiveKeyMatcher(exact, builtInKeys ? SUFFIX_SENSITIVE_KEYS : []),
    paths: listOption(options.paths ?? REDACTION_DEFAULTS.paths, 'redaction.paths').map((p, i) =>
      compilePath(p, i),
    ),
    detectors: enabledDetectors(options.builtInDetectors ?? REDACTION_DEFAULTS.builtInDetectors),
    userDetectors: detectors as ValueDetector[],
    maxDepth: positiveInt(options.maxDepth, REDACTION_DEFAULTS.maxDepth, 'redaction.maxDepth'),
    maxArrayLength: positiveInt(
      options.maxArrayLength,
      REDACTION_DEFAULTS.maxArrayLength,
      'redaction.maxArrayLength',
    ),
    maxStringLength: positiveInt(
      options.maxStringLength,
      REDACTION_DEFAULTS.maxStringLength,
      'redaction.maxStringLength',
    ),
    maxScanChars: positiveInt(
      options.maxScanCharsPerRequest,
      REDACTION_DEFAULTS.maxScanCharsPerRequest,
      'redaction.maxScanCharsPerRequest',
    ),
    hmacKey,
    hmacLength,
  };
}

/** `true` / `undefined`: all; `false`: none; an object: all but those set to `false`. */
function enabledDetectors(value: unknown): Set<BuiltInDetectorName> {
  if (value === undefined || value === true) return new Set(BUILT_IN_DETECTOR_NAMES);
  if (value === false) return new Set();
  const known: readonly string[] = BUILT_IN_DETECTOR_NAMES;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new FaultlineConfigError(
      'redaction.builtInDetectors',
      'must be a boolean or an object of detector names to booleans',
      `For example { 'card-number': false }. Names: ${known.join(', ')}`,
    );
  }
  const enabled = new Set(BUILT_IN_DETECTOR_NAMES);
  for (const [name, on] of Object.entries(value)) {
    if (!known.includes(name)) {
      throw new FaultlineConfigError(
        `redaction.builtInDetectors.${name}`,
        'is not a built-in detector',
        `Names: ${known.join(', ')}`,
      );
    }
    if (typeof on !== 'boolean') {
      throw new FaultlineConfigError(`redaction.builtInDetectors.${name}`, 'must be a boolean');
    }
    if (!on) enabled.delete(name as BuiltInDetectorName);
  }
  return enabled;
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
  check(Array.isArray(value), option, 'must be an array');
  return value;
}

function flag(value: unknown, option: string): boolean {
  check(typeof value === 'boolean', option, 'must be a boolean');
  return value;
}

/** A whole number >= 1 (the kernel's check), `fallback` when not given. */
function positiveInt(value: unknown, fallback: number, option: string): number {
  return wholeNumber(value, fallback, option, 1);
}
