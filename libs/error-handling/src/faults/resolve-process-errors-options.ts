import { featureOptions, wholeNumber } from '../kernel/option-checks';
import type { ProcessErrorsOptions } from './process-errors.options';

/** `processErrors` after defaults and validation. */
export interface ResolvedProcessErrors {
  flushTimeoutMs: number;
}

const KNOWN: readonly (keyof ProcessErrorsOptions)[] = ['flushTimeoutMs'];

/** The default of `processErrors.flushTimeoutMs`. */
export const DEFAULT_FLUSH_TIMEOUT_MS = 5000;

/** Applies defaults and validates `processErrors`; `false` installs no process listeners. */
export function resolveProcessErrors(input: unknown): ResolvedProcessErrors | false {
  const o = featureOptions<ProcessErrorsOptions>(input, 'processErrors', KNOWN);
  if (!o) return false;
  return {
    flushTimeoutMs: wholeNumber(
      o.flushTimeoutMs,
      DEFAULT_FLUSH_TIMEOUT_MS,
      'processErrors.flushTimeoutMs',
      0,
    ),
  };
}
