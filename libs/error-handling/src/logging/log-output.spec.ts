import { pino } from 'pino';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FaultlineConfigError } from '../kernel/faultline-config.error';
import { openLogOutput } from './log-output';
import { LogDestination } from './log-destination';
import { PrettyDestination } from './pretty-destination';
import { resolveLogging, type ResolvedLogging } from './resolve-logging-options';

const resolved = (input: Record<string, unknown>) => resolveLogging(input, true) as ResolvedLogging;

describe('openLogOutput', () => {
  it("writes standard output through Faultline's destination, pretty lines too", () => {
    const json = openLogOutput(resolved({}), pino);
    expect(json.destination).toBeInstanceOf(LogDestination);
    expect(json.stream).toBe(json.destination);
    const pretty = openLogOutput(resolved({ format: 'pretty' }), pino);
    expect(pretty.destination).toBeInstanceOf(LogDestination);
    expect(pretty.stream).toBeInstanceOf(PrettyDestination);
    for (const output of [json, pretty]) output.destination?.end();
  });

  it("uses an application's stream as it is, with no destination of Faultline's", () => {
    const stream = { write: () => undefined };
    const output = openLogOutput(resolved({ destination: stream }), pino);
    expect(output).toEqual({ stream, destination: undefined });
  });

  it('stops start-up with an error naming logging.destination when the file cannot be opened', () => {
    const dir = mkdtempSync(join(tmpdir(), 'faultline-output-'));
    try {
      // A folder that is a file: the destination's folder cannot be made.
      writeFileSync(join(dir, 'file'), '');
      const open = () => openLogOutput(resolved({ destination: join(dir, 'file', 'app.log') }), pino);
      expect(open).toThrow(FaultlineConfigError);
      expect(open).toThrow(/^FAULTLINE_INVALID_OPTION: logging\.destination cannot be opened/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
