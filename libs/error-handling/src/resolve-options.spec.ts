import { systemClock } from './kernel/clock';
import { ManualClock } from './kernel/manual-clock.testing';
import { AppError } from './errors/app.error';
import { configErrorOf } from './kernel/config-error.testing';
import { FaultlineConfigError } from './kernel/faultline-config.error';
import { EN_CATALOG, KO_CATALOG } from './filter/message-catalogs';
import { DEFAULT_VALIDATION, resolveOptions } from './resolve-options';

const DEV = { NODE_ENV: 'development' };
const PROD = { NODE_ENV: 'production' };

function configError(input: unknown, env: NodeJS.ProcessEnv = DEV): FaultlineConfigError {
  return configErrorOf(() => resolveOptions(input, env));
}

describe('resolveOptions', () => {
  describe('defaults', () => {
    it('fills every option with its default', () => {
      const o = resolveOptions({}, DEV);

      expect(o).toMatchObject({
        debug: true,
        debugInProduction: false,
        problemTypeBaseUrl: undefined,
        responseFormatter: undefined,
        defaultLanguage: 'en',
        expectedErrors: [],
        mappers: [],
        requestIdHeader: 'X-Request-Id',
        retryAfterSeconds: 5,
        validation: DEFAULT_VALIDATION,
        redaction: {},
      });
      expect(o.catalogs.get('en')).toBe(EN_CATALOG);
      expect(o.catalogs.get('ko')).toBe(KO_CATALOG);
      expect(o.clock).toBe(systemClock);
    });

    it('keeps a clock of its own, and hands it to the stores it builds', async () => {
      const clock = new ManualClock();
      const o = resolveOptions({ clock, audit: { security: { threshold: 1, windowMs: 1000 } } }, DEV);
      expect(o.clock).toBe(clock);
      if (!o.audit) throw new Error('audit is on by default');
      const counter = o.audit.security.localCounters;
      expect(await counter.increment('k', 1000)).toBe(1);
      await clock.advance(999);
      expect(await counter.increment('k', 1000)).toBe(2);
      await clock.advance(1);
      expect(await counter.increment('k', 1000)).toBe(1);
    });

    it.each([
      ['undefined', undefined],
      ['null', null],
    ])('treats %s options as no options', (_label, input) => {
      expect(resolveOptions(input, DEV)).toEqual(resolveOptions({}, DEV));
    });

    it('defaults the validation pipe to whitelist, forbid unknown properties and transform', () => {
      expect(DEFAULT_VALIDATION).toEqual({
        whitelist: true,
        forbidNonWhitelisted: true,
        forbidUnknownValues: true,
        transform: true,
      });
    });

    it('merges validation options over the defaults', () => {
      expect(
        resolveOptions({ validation: { transform: false, stopAtFirstError: true } }, DEV).validation,
      ).toEqual({
        ...DEFAULT_VALIDATION,
        transform: false,
        stopAtFirstError: true,
      });
    });

    it('asks for the validation pipe with its defaults with validation: true', () => {
      expect(resolveOptions({ validation: true }, DEV)).toMatchObject({
        validation: DEFAULT_VALIDATION,
        notices: [],
      });
    });

    it('turns the validation pipe off with validation: false', () => {
      expect(resolveOptions({ validation: false }, DEV).validation).toBe(false);
    });

    it('accepts the isGlobal extra of the module builder', () => {
      expect(() => resolveOptions({ isGlobal: true }, DEV)).not.toThrow();
    });

    it('keeps the functions, classes and mappers it is given', () => {
      const responseFormatter = () => ({});
      const mapper = { type: AppError, map: () => undefined };
      const o = resolveOptions({ responseFormatter, expectedErrors: [AppError], mappers: [mapper] }, DEV);

      expect(o.responseFormatter).toBe(responseFormatter);
      expect(o.expectedErrors).toEqual([AppError]);
      expect(o.mappers).toEqual([mapper]);
    });

    it('does not change the options object it is given', () => {
      const input = { requestIdHeader: 'X-Correlation-Id', validation: { transform: false } };
      const before = structuredClone(input);
      resolveOptions(input, DEV);

      expect(input).toEqual(before);
    });
  });

  describe('debug mode', () => {
    it('is on by default only when NODE_ENV is development or test', () => {
      expect(resolveOptions({}, DEV).debug).toBe(true);
      expect(resolveOptions({}, { NODE_ENV: 'test' }).debug).toBe(true);
    });

    it('is off by default when NODE_ENV is production, unset, empty or anything else', () => {
      for (const env of [PROD, {}, { NODE_ENV: '' }, { NODE_ENV: 'staging' }, { NODE_ENV: 'Development' }]) {
        const o = resolveOptions({}, env);

        expect([env, o.debug, o.debugInProduction]).toEqual([env, false, false]);
      }
    });

    it('flags debug turned on explicitly in production so a warning can be logged', () => {
      const o = resolveOptions({ debug: true }, PROD);

      expect(o.debug).toBe(true);
      expect(o.debugInProduction).toBe(true);
      expect(o.nodeEnv).toBe('production');
    });

    it('flags debug turned on explicitly where NODE_ENV is unset or unknown: unknown means production', () => {
      expect(resolveOptions({ debug: true }, {})).toMatchObject({
        debug: true,
        debugInProduction: true,
        nodeEnv: undefined,
      });
      expect(resolveOptions({ debug: true }, { NODE_ENV: 'staging' })).toMatchObject({
        debug: true,
        debugInProduction: true,
        nodeEnv: 'staging',
      });
    });

    it('does not flag debug turned on in development or test, or turned off in production', () => {
      expect(resolveOptions({ debug: true }, DEV).debugInProduction).toBe(false);
      expect(resolveOptions({ debug: true }, { NODE_ENV: 'test' }).debugInProduction).toBe(false);
      expect(resolveOptions({ debug: false }, PROD)).toMatchObject({
        debug: false,
        debugInProduction: false,
      });
    });

    it('can be turned off outside production', () => {
      expect(resolveOptions({ debug: false }, DEV).debug).toBe(false);
    });

    it('reads process.env when no env is passed', () => {
      const saved = process.env.NODE_ENV;
      process.env.NODE_ENV = 'production';
      try {
        expect(resolveOptions({}).debug).toBe(false);
      } finally {
        if (saved === undefined) delete process.env.NODE_ENV;
        else process.env.NODE_ENV = saved;
      }
    });
  });

  describe('processErrors', () => {
    it('is on by default, flushing for at most 5 s before an exit', () => {
      expect(resolveOptions({}, DEV).processErrors).toEqual({ flushTimeoutMs: 5000 });
      expect(resolveOptions({ processErrors: { flushTimeoutMs: 0 } }, DEV).processErrors).toEqual({
        flushTimeoutMs: 0,
      });
    });

    it('is off with processErrors: false', () => {
      expect(resolveOptions({ processErrors: false }, DEV).processErrors).toBe(false);
    });

    it('rejects anything else, naming the option', () => {
      expect(configError({ processErrors: true }).message).toContain(
        'processErrors must be false or an object',
      );
      expect(configError({ processErrors: { flushTimeoutMs: -1 } }).option).toBe(
        'processErrors.flushTimeoutMs',
      );
      expect(configError({ processErrors: { flushTimeoutMs: 1.5 } }).message).toContain(
        'processErrors.flushTimeoutMs must be a whole number >= 0',
      );
      expect(configError({ processErrors: { exit: false } }).message).toContain(
        'processErrors.exit is not a processErrors option',
      );
    });
  });

  describe('normalisation', () => {
    it('strips trailing slashes from problemTypeBaseUrl', () => {
      expect(
        resolveOptions({ problemTypeBaseUrl: 'https://errors.example.com/' }, DEV).problemTypeBaseUrl,
      ).toBe('https://errors.example.com');
      expect(
        resolveOptions({ problemTypeBaseUrl: 'http://localhost:3000/errors//' }, DEV).problemTypeBaseUrl,
      ).toBe('http://localhost:3000/errors');
    });

    it('keeps the request id header as written, for the response header', () => {
      expect(resolveOptions({ requestIdHeader: 'X-Correlation-Id' }, DEV).requestIdHeader).toBe(
        'X-Correlation-Id',
      );
    });

    it('lower-cases the default language', () => {
      expect(resolveOptions({ defaultLanguage: 'KO' }, DEV).defaultLanguage).toBe('ko');
    });

    it('accepts a default language that a user catalog adds', () => {
      const o = resolveOptions(
        { catalogs: { ja: { titles: { 404: '見つかりません' } } }, defaultLanguage: 'ja' },
        DEV,
      );

      expect(o.defaultLanguage).toBe('ja');
      expect(o.catalogs.get('ja')?.titles[404]).toBe('見つかりません');
    });

    it('accepts retryAfterSeconds of 0', () => {
      expect(resolveOptions({ retryAfterSeconds: 0 }, DEV).retryAfterSeconds).toBe(0);
    });
  });

  describe('wrong options', () => {
    it('rejects options that are not an object', () => {
      expect(configError('debug').option).toBe('options');
      expect(configError([]).option).toBe('options');
      expect(configError(42).option).toBe('options');
    });

    it('rejects an unknown option, naming it and listing the known ones', () => {
      const error = configError({ debugMode: true });

      expect(error).toBeInstanceOf(FaultlineConfigError);
      expect(error.name).toBe('FaultlineConfigError');
      expect(error.option).toBe('debugMode');
      expect(error.message).toMatch(/^FAULTLINE_INVALID_OPTION: debugMode /);
      expect(error.message).toContain('problemTypeBaseUrl');
    });

    it.each([
      ['problemTypeBaseUrl', 'errors.example.com'],
      ['problemTypeBaseUrl', '/errors'],
      ['problemTypeBaseUrl', 'ftp://errors.example.com'],
      ['problemTypeBaseUrl', 'javascript:alert(1)'],
      ['problemTypeBaseUrl', ''],
      ['problemTypeBaseUrl', 42],
      ['requestIdHeader', 'X Request Id'],
      ['requestIdHeader', 'x_request_id'],
      ['requestIdHeader', 'x-request-id\r\n'],
      ['requestIdHeader', ''],
      ['requestIdHeader', 'x'.repeat(65)],
      ['requestIdHeader', 42],
      ['retryAfterSeconds', -1],
      ['retryAfterSeconds', 1.5],
      ['retryAfterSeconds', '5'],
      ['retryAfterSeconds', Number.NaN],
      ['retryAfterSeconds', Infinity],
      ['debug', 'yes'],
      ['debug', 1],
      ['responseFormatter', { format: () => ({}) }],
      ['validation', []],
      ['validation', 'strict'],
      ['redaction', []],
      ['redaction', 'all'],
      ['catalogs', []],
      ['catalogs', 'ko'],
      ['expectedErrors', AppError],
      ['mappers', { type: AppError, map: () => undefined }],
      ['defaultLanguage', 'ja'],
      ['defaultLanguage', 'en-US'],
      ['defaultLanguage', 42],
      ['defaultLanguage', null],
      ['clock', Date],
      ['clock', { now: (): number => 0 }],
      ['clock', null],
    ])('rejects %s = %p with a message naming it', (option, value) => {
      const error = configError({ [option]: value });

      expect(error.option).toBe(option);
      expect(error.message).toMatch(new RegExp(`^FAULTLINE_INVALID_OPTION: ${option} `));
    });

    it('says how to fix a bad problemTypeBaseUrl', () => {
      expect(configError({ problemTypeBaseUrl: 'errors.example.com' }).message).toContain(
        'For example "https://errors.example.com"',
      );
    });

    it('lists the available languages for an unknown defaultLanguage', () => {
      const message = configError({ defaultLanguage: 'ja' }).message;

      expect(message).toContain('"ja"');
      expect(message).toContain('en, ko');
    });

    it.each([
      ['an empty object', {}],
      ['a mapper without map', { type: AppError }],
      ['a mapper without type', { map: (): undefined => undefined }],
      ['a mapper whose type is not a class', { type: 'AppError', map: (): undefined => undefined }],
      ['a mapper whose map is not a function', { type: AppError, map: 'x' }],
      ['null', null],
      ['a class', AppError],
    ])('rejects %s in mappers, naming its index', (_label, entry) => {
      const good = { type: Error, map: () => undefined };
      const error = configError({ mappers: [good, entry] });

      expect(error.option).toBe('mappers[1]');
      expect(error.message).toContain('mappers[1]');
      expect(error.message).toContain('{ type: ErrorClass, map(exception) }');
    });

    it('rejects an expectedErrors entry that is not a class, naming its index', () => {
      const error = configError({ expectedErrors: [AppError, 'NotFoundError'] });

      expect(error.option).toBe('expectedErrors[1]');
    });

    it('reports the first wrong option', () => {
      expect(configError({ debug: 'x', retryAfterSeconds: -1 }).option).toBe('debug');
    });
  });
});

describe('resolveOptions with malformed catalogs', () => {
  it.each([
    [{ ja: null }, 'catalogs.ja'],
    [{ ja: 'nope' }, 'catalogs.ja'],
    [{ ja: { titles: [] } }, 'catalogs.ja.titles'],
    [{ ja: { titles: { 404: 42 } } }, 'catalogs.ja.titles.404'],
    [{ 'not a tag': {} }, 'catalogs.not a tag'],
  ])('names the wrong entry of %j', (catalogs, option) => {
    const error = configError({ catalogs });
    expect(error.option).toBe(option);
    expect(error.message).toContain(`FAULTLINE_INVALID_OPTION: ${option}`);
  });
});
