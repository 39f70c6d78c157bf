import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_CODES } from 'nestjs-faultline';

const docs = (name: string) => readFileSync(join(__dirname, '..', 'docs', name), 'utf8');

describe('docs', () => {
  it('docs/errors.md lists exactly the codes of the registry, once each, with their status', () => {
    const rows = [...docs('errors.md').matchAll(/^\|\s*`([A-Z_]+)`\s*\|\s*(\d{3})\s*\|/gm)].map((m) => [
      m[1],
      Number(m[2]),
    ]);
    const listed = rows.map(([code]) => code);
    expect(new Set(listed).size).toBe(listed.length);
    expect([...listed].sort()).toEqual(Object.keys(ERROR_CODES).sort());
    for (const [code, status] of rows) {
      expect([code, status]).toEqual([code, ERROR_CODES[code as keyof typeof ERROR_CODES].status]);
    }
  });

  it('docs/options.md documents every option of ErrorHandlingModuleOptions', () => {
    const source = readFileSync(
      join(__dirname, '..', 'libs/error-handling/src/error-handling.options.ts'),
      'utf8',
    );
    const body = source.slice(source.indexOf('export interface ErrorHandlingModuleOptions'));
    const options = [...body.matchAll(/^ {2}(\w+)\?:/gm)].map((m) => m[1]);
    expect(options.length).toBeGreaterThan(5);
    const page = docs('options.md');
    for (const option of options) expect(page).toContain(`\`${option}\``);
  });

  /** Each feature's options interface, and the page whose option table lists its members. */
  const FEATURE_TABLES: [source: string, iface: string, page: string][] = [
    ['logging/logging.options.ts', 'LoggingOptions', 'logging.md'],
    ['audit/audit.options.ts', 'AuditOptions', 'audit.md'],
    ['health/health.options.ts', 'HealthOptions', 'health.md'],
    ['metrics/metrics.options.ts', 'MetricsOptions', 'metrics.md'],
    ['alerts/alerts.options.ts', 'AlertsOptions', 'alerts.md'],
    ['sentry/sentry.options.ts', 'SentryOptions', 'sentry.md'],
    ['faults/process-errors.options.ts', 'ProcessErrorsOptions', 'process-errors.md'],
    ['redaction/redaction.options.ts', 'RedactionOptions', 'redaction.md'],
    ['validation/validation.options.ts', 'ValidationOptions', 'options.md'],
  ];

  it.each(FEATURE_TABLES)('%s: every member of %s has a row in docs/%s', (file, iface, page) => {
    const source = readFileSync(join(__dirname, '..', 'libs/error-handling/src', file), 'utf8');
    const start = source.indexOf(`export interface ${iface}`);
    expect(start).toBeGreaterThanOrEqual(0);
    const body = source.slice(start, source.indexOf('\n}', start));
    const members = [...body.matchAll(/^ {2}(\w+)\??:/gm)].map((m) => m[1]);
    expect(members.length).toBeGreaterThan(0);
    const rows = new Set([...docs(page).matchAll(/^\|\s*`(\w+)`/gm)].map((m) => m[1]));
    expect(members.filter((m) => !rows.has(m))).toEqual([]);
  });
});
