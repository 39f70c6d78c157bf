import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_CODES } from 'nestjs-faultline';
import { ALERTS_DEFAULTS } from '../libs/error-handling/src/alerts/resolve-alerts-options';
import { AUDIT_DEFAULTS } from '../libs/error-handling/src/audit/resolve-audit-options';
import { PROCESS_ERRORS_DEFAULTS } from '../libs/error-handling/src/faults/resolve-process-errors-options';
import { HEALTH_DEFAULTS } from '../libs/error-handling/src/health/resolve-health-options';
import { MANAGEMENT_DEFAULTS } from '../libs/error-handling/src/kernel/resolve-management-options';
import { REDIS_DEFAULTS } from '../libs/error-handling/src/kernel/resolve-redis-options';
import { LOGGING_DEFAULTS } from '../libs/error-handling/src/logging/resolve-logging-options';
import { METRICS_DEFAULTS } from '../libs/error-handling/src/metrics/resolve-metrics-options';
import { REDACTION_DEFAULTS } from '../libs/error-handling/src/redaction/compile-redaction';
import { MODULE_DEFAULTS } from '../libs/error-handling/src/resolve-options';
import { SENTRY_DEFAULTS } from '../libs/error-handling/src/sentry/resolve-sentry-options';
import {
  DEFAULT_VALIDATION_MAX_DEPTH,
  DEFAULT_VALIDATION_MAX_NODES,
} from '../libs/error-handling/src/validation/validation.pipe';
import { defaultCells, literal, writeDefaults } from './support/option-tables';

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
    ['kernel/management.options.ts', 'ManagementOptions', 'options.md'],
    ['kernel/redis.options.ts', 'RedisOptions', 'options.md'],
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

  /**
   * The defaults each resolver uses, the interface whose JSDoc documents them, and the page whose
   * option table shows them.
   */
  const DEFAULTS: [iface: string, page: string, source: string, defaults: Record<string, unknown>][] = [
    ['ErrorHandlingModuleOptions', 'options.md', 'error-handling.options.ts', MODULE_DEFAULTS],
    [
      'ValidationOptions',
      'options.md',
      'validation/validation.options.ts',
      { maxDepth: DEFAULT_VALIDATION_MAX_DEPTH, maxNodes: DEFAULT_VALIDATION_MAX_NODES },
    ],
    ['LoggingOptions', 'logging.md', 'logging/logging.options.ts', LOGGING_DEFAULTS],
    ['AuditOptions', 'audit.md', 'audit/audit.options.ts', AUDIT_DEFAULTS],
    ['HealthOptions', 'health.md', 'health/health.options.ts', HEALTH_DEFAULTS],
    ['MetricsOptions', 'metrics.md', 'metrics/metrics.options.ts', METRICS_DEFAULTS],
    ['ManagementOptions', 'options.md', 'kernel/management.options.ts', MANAGEMENT_DEFAULTS],
    ['RedisOptions', 'options.md', 'kernel/redis.options.ts', REDIS_DEFAULTS],
    ['AlertsOptions', 'alerts.md', 'alerts/alerts.options.ts', ALERTS_DEFAULTS],
    ['SentryOptions', 'sentry.md', 'sentry/sentry.options.ts', SENTRY_DEFAULTS],
    [
      'ProcessErrorsOptions',
      'process-errors.md',
      'faults/process-errors.options.ts',
      PROCESS_ERRORS_DEFAULTS,
    ],
    ['RedactionOptions', 'redaction.md', 'redaction/redaction.options.ts', REDACTION_DEFAULTS],
  ];

  // `npm run docs:options` writes the cells from the defaults before they are checked.
  if (process.env.UPDATE_DOCS === '1') {
    for (const page of new Set(DEFAULTS.map(([, p]) => p))) {
      const path = join(__dirname, '..', 'docs', page);
      let text = readFileSync(path, 'utf8');
      for (const [, p, , defaults] of DEFAULTS) if (p === page) text = writeDefaults(text, defaults);
      writeFileSync(path, text);
    }
  }

  it.each(DEFAULTS)(
    '%s: the Default column of docs/%s shows the defaults the resolver uses',
    (iface, page, _source, defaults) => {
      const members = Object.keys(defaults);
      const cells = defaultCells(docs(page), members);
      expect(members.filter((m) => !cells.has(m)).map((m) => `${iface}.${m} has no row`)).toEqual([]);
      const wrong = members.filter((m) => !cells.get(m)!.text.startsWith(`\`${literal(defaults[m])}\``));
      expect(
        wrong.map((m) => `${page}: ${m} shows ${cells.get(m)!.text}, the default is ${literal(defaults[m])}`),
      ).toEqual([]);
    },
  );

  it.each(DEFAULTS)(
    '%s: the @default of each member that has one is the default the resolver uses',
    (iface, _page, file, defaults) => {
      const source = readFileSync(join(__dirname, '..', 'libs/error-handling/src', file), 'utf8');
      const start = source.indexOf(`export interface ${iface}`);
      const body = source.slice(start, source.indexOf('\n}', start));
      const documented = new Map(
        [...body.matchAll(/\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*(?:readonly\s+)?(\w+)\??:/g)].flatMap((m) => {
          const tag = /@default\s+(.+)/.exec(m[1]);
          return tag ? [[m[2], tag[1].replace(/\s*\*\/\s*$/, '').trim()] as const] : [];
        }),
      );
      // Only literal defaults are compared; prose (`the system clock`) documents a computed one.
      const checked = Object.keys(defaults).filter((m) =>
        /^['"[{\d]|^(true|false)\b/.test(documented.get(m) ?? ''),
      );
      expect(checked.length).toBeGreaterThan(0);
      const wrong = checked.filter(
        (m) => !documented.get(m)!.replace(/_/g, '').startsWith(literal(defaults[m])),
      );
      expect(
        wrong.map(
          (m) => `${iface}.${m}: @default ${documented.get(m)}, the default is ${literal(defaults[m])}`,
        ),
      ).toEqual([]);
    },
  );
});
