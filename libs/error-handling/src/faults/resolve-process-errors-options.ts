import { featureOptions, wholeNumber } from '../kernel/option-checks';
import type { ProcessErrorsOptions } from './process-errors.options';

/** `processErrors` after defaults and validation. */
export interface ResolvedProcessErrors {
  flushTimeoutMs: number;
}

const KNOWN: readonly (keyof ProcessErrorsOptions)[] = ['flushTimeoutMs'];

/** The defaults of `processErrors`, as docs/process-errors.md's option table shows them. */
export const PROCESS_ERRORS_DEFAULTS = { flushTimeoutMs: 5000 } as const;

/** Applies defaults and validates `processErrors`; `false` installs no process listeners. */
export function resolveProcessErrors(input: unknown): ResolvedProcessErrors | false {
  const o = featureOptions<ProcessErrorsOptions>(input, 'processErrors', KNOWN);
  if (!o) return false;
  return {
    flushTimeoutMs: wholeNumber(
      o.flushTimeoutMs,
      PROCESS_ERRORS_DEFAULTS.flushTimeoutMs,
      'processErrors.flushTimeoutMs',
      0,
    ),
  };
}
