import { Signals } from '../kernel/signals';
import type { ModulesContainer } from '@nestjs/core';
import * as nestjsPino from 'nestjs-pino';
import { pino } from 'pino';
import type { LoggingPeers } from './logging-peers';
import type { Redactor } from '../redaction/redactor';
import { createLoggingRuntime, type LoggingRuntime } from './logging-runtime';
import { RequestTap } from '../kernel/request-tap';
import { resolveLogging, type ResolvedLogging } from './resolve-logging-options';

/** pino and nestjs-pino, as the module loads them when logging is on. */
export const TEST_LOGGING_PEERS: LoggingPeers = { pino, nestjsPino };

/** The JSON lines a pino destination received. */
export class Lines {
  readonly lines: Record<string, unknown>[] = [];
  write(chunk: string): void {
    for (const line of chunk.split('\n')) if (line !== '') this.lines.push(JSON.parse(line));
  }
}

/** A real logging runtime writing JSON lines into `sink`; `own` mode (no LoggerModule of the app). */
export function runtimeInto(sink: Lines, redactor: Redactor): LoggingRuntime {
  const logging = resolveLogging(
    { format: 'json', destination: sink, useAsNestLogger: false },
    true,
  ) as ResolvedLogging;
  return createLoggingRuntime(
    logging,
    redactor,
    'X-Request-Id',
    new Map() as unknown as ModulesContainer,
    new RequestTap(),
    new Signals(),
    TEST_LOGGING_PEERS,
  );
}
