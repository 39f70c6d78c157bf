/** Internal injection tokens; not exported from the package. */
export const RESOLVED_OPTIONS = 'FAULTLINE:RESOLVED_OPTIONS';

/** The {@link Clock} every time-based part reads (the `clock` option, else the system clock). */
export const CLOCK = 'FAULTLINE:CLOCK';
