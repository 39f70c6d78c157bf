import type * as NestjsPino from 'nestjs-pino';
import type * as Pino from 'pino';
import { importPeer } from '../kernel/peer-require';

/** pino's default export: the logger factory with its `symbols`, `transport` and `multistream`. */
export type PinoFactory = typeof Pino.pino;

/** The peers Faultline's logging runs on, loaded only when `logging` is on. */
export interface LoggingPeers {
  pino: PinoFactory;
  nestjsPino: typeof NestjsPino;
}

const OTHERWISE = 'set logging: false';

/**
 * Imports pino and nestjs-pino, as the application imports them (one copy of each, in an ES
 * module application too), or stops start-up naming `logging` and the missing package.
 */
export async function loadLoggingPeers(): Promise<LoggingPeers> {
  const [pino, nestjsPino] = await Promise.all([
    importPeer<typeof Pino & { default?: PinoFactory }>('pino', 'logging', OTHERWISE),
    importPeer<typeof NestjsPino & { default?: typeof NestjsPino }>('nestjs-pino', 'logging', OTHERWISE),
  ]);
  return {
    // A CommonJS package imported from an ES module: its exports, named or under `default`.
    pino: pino.pino ?? (pino.default as PinoFactory),
    nestjsPino: nestjsPino.LoggerModule ? nestjsPino : (nestjsPino.default as typeof NestjsPino),
  };
}
