import type { ErrorHandlingModuleOptions } from '../error-handling.options';
import { AppError, NotFoundError, ValidationError } from '../errors/app.error';
import type { MappedError } from '../errors/exception-mapper.interface';
import { ExceptionRegistry } from '../errors/exception-registry';
import { fieldError } from '../errors/field-error.interface';
import { BUILT_IN_MAPPERS } from '../errors/mappers/built-in.mappers';
import { Redactor } from '../redaction/redactor';
import { resolveOptions } from '../resolve-options';
import type { HttpRequestLike } from './http-request.interface';
import { ProblemBuilder } from './problem-builder';

const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';
const R = '[REDACTED]';

/** A builder from real resolved options; debug off unless asked, whatever NODE_ENV says. */
function builder(options: ErrorHandlingModuleOptions = {}): ProblemBuilder {
  const resolved = resolveOptions({ debug: false, ...options }, {});
  return new ProblemBuilder(resolved, new Redactor(resolved.redaction));
}

const req = (overrides: HttpRequestLike = {}): HttpRequestLike => ({
  method: 'GET',
  url: '/orders/42',
  originalUrl: '/orders/42',
  headers: {},
  ...overrides,
});

describe('ProblemBuilder', () => {
  describe('type', () => {
    it('is about:blank without a problemTypeBaseUrl', () => {
      const p = builder().build({ status: 404, code: 'NOT_FOUND' }, undefined, req(), 'r1', 'en');
      expect(p.type).toBe('about:blank');
    });

    it('is <base>/<code in kebab-case> with one, the trailing slash of the base dropped', () => {
      const b = builder({ problemTypeBaseUrl: 'https://errors.example.com/problems/' });
      const p = b.build({ status: 402, code: 'PAYMENT_REQUIRED' }, undefined, req(), 'r1', 'en');
      expect(p.type).toBe('https://errors.example.com/problems/payment-required');
    });
  });

  describe('title', () => {
    it.each([
      ['en', 404, 'Not Found'],
      ['ko', 404, '찾을 수 없음'],
      ['en', 503, 'Service Unavailable'],
      ['ko', 503, '서비스를 사용할 수 없음'],
    ])('comes from the %s catalog for %d', (language, status, title) => {
      const p = builder().build({ status, code: 'X' }, undefined, req(), 'r1', language);
      expect(p.title).toBe(title);
    });

    it("falls back to the default language's catalog for a language without one", () => {
      expect(builder().build({ status: 409, code: 'CONFLICT' }, undefined, req(), 'r1', 'fr').title).toBe(
        'Conflict',
      );
      const koDefault = builder({ defaultLanguage: 'ko' });
      expect(koDefault.build({ status: 409, code: 'CONFLICT' }, undefined, req(), 'r1', 'fr').title).toBe(
        '충돌',
      );
    });

    it("falls back to the default catalog's title when the language's catalog lacks the status", () => {
      const b = builder({ catalogs: { en: { titles: { 460: 'Quota Exhausted' } } } });
      expect(b.build({ status: 460, code: 'QUOTA' }, undefined, req(), 'r1', 'ko').title).toBe(
        'Quota Exhausted',
      );
    });

    it('falls back to the title of the status class for a status no catalog names', () => {
      const b = builder();
      expect(b.build({ status: 499, code: 'X' }, undefined, req(), 'r1', 'en').title).toBe('Bad Request');
      expect(b.build({ status: 599, code: 'X' }, undefined, req(), 'r1', 'en').title).toBe(
        'Internal Server Error',
      );
      expect(b.build({ status: 499, code: 'X' }, undefined, req(), 'r1', 'ko').title).toBe('잘못된 요청');
      expect(b.build({ status: 599, code: 'X' }, undefined, req(), 'r1', 'ko').title).toBe('내부 서버 오류');
    });

    it('takes a user catalog of a new language, falling back to English entry by entry', () => {
      const b = builder({ catalogs: { ja: { titles: { 404: '見つかりません' } } } });
      expect(b.build({ status: 404, code: 'NOT_FOUND' }, undefined, req(), 'r1', 'ja').title).toBe(
        '見つかりません',
      );
      expect(b.build({ status: 409, code: 'CONFLICT' }, undefined, req(), 'r1', 'ja').title).toBe('Conflict');
    });
  });

  describe('detail', () => {
    const secretMessage = 'connect ECONNREFUSED 10.0.3.7:5432 password authentication failed for "app"';

    it.each([
      ['en', 500, 'INTERNAL_ERROR', 'An unexpected error occurred.'],
      ['ko', 500, 'INTERNAL_ERROR', '예기치 않은 오류가 발생했습니다.'],
      ['en', 503, 'SERVICE_UNAVAILABLE', 'The service is temporarily unavailable. Try again later.'],
      ['en', 502, 'SOME_UNKNOWN_CODE', 'An unexpected error occurred.'],
      ['ko', 502, 'SOME_UNKNOWN_CODE', '예기치 않은 오류가 발생했습니다.'],
    ])(
      'of a %s %d %s is the fixed catalog text, never the error message',
      (language, status, code, detail) => {
        const mapped: MappedError = { status, code, message: secretMessage };
        const p = builder().build(mapped, new Error(secretMessage), req(), 'r1', language);
        expect(p.detail).toBe(detail);
        expect(JSON.stringify(p)).not.toMatch(/ECONNREFUSED|10\.0\.3\.7|5432|authentication/);
      },
    );

    it("of a 5xx uses the default catalog's detail for a code only it has", () => {
      const b = builder({ catalogs: { en: { details: { BILLING_DOWN: 'Billing is down for now.' } } } });
      const mapped: MappedError = { status: 502, code: 'BILLING_DOWN', message: secretMessage };
      expect(b.build(mapped, undefined, req(), 'r1', 'ko').detail).toBe('Billing is down for now.');
    });

    it('of a 5xx is the (redacted) message when the error is exposed', () => {
      const mapped: MappedError = {
        status: 503,
        code: 'MAINTENANCE',
        message: `Down for maintenance, ask with Bearer ${JWT}`,
        expose: true,
      };
      expect(builder().build(mapped, undefined, req(), 'r1', 'en').detail).toBe(
        `Down for maintenance, ask with Bearer ${R}`,
      );
    });

    it('of a 4xx is the message, redacted', () => {
      const mapped: MappedError = {
        status: 402,
        code: 'PAYMENT_REQUIRED',
        message: `Card 4111 1111 1111 1111 declined`,
      };
      expect(builder().build(mapped, undefined, req(), 'r1', 'en').detail).toBe(`Card ${R} declined`);
    });

    it('of a 4xx is the catalog text when the message is empty or not exposed', () => {
      const b = builder();
      expect(
        b.build({ status: 404, code: 'NOT_FOUND', message: '' }, undefined, req(), 'r1', 'ko').detail,
      ).toBe('요청한 리소스를 찾을 수 없습니다.');
      expect(
        b.build(
          { status: 409, code: 'CONFLICT', message: 'row 7 locked by tx 99', expose: false },
          undefined,
          req(),
          'r1',
          'en',
        ).detail,
      ).toBe('The request conflicts with the current state of the resource.');
      expect(b.build({ status: 418, code: 'TEAPOT' }, undefined, req(), 'r1', 'en').detail).toBe(
        'The request could not be processed.',
      );
    });
  });

  describe('instance', () => {
    it('is the path without the query string', () => {
      const p = builder().build(
        { status: 404, code: 'NOT_FOUND' },
        undefined,
        req({ originalUrl: '/orders/42?token=abc&password=hunter2', url: '/42?token=abc' }),
        'r1',
        'en',
      );
      expect(p.instance).toBe('/orders/42');
    });

    it('is redacted', () => {
      const p = builder().build(
        { status: 400, code: 'BAD_REQUEST' },
        undefined,
        req({ originalUrl: `/password-reset/${JWT}?x=1` }),
        'r1',
        'en',
      );
      expect(p.instance).toBe(`/password-reset/${R}`);
    });

    it('falls back to req.url, then to /', () => {
      const b = builder();
      expect(
        b.build({ status: 404, code: 'NOT_FOUND' }, undefined, { url: '/only-url?q=1' }, 'r1', 'en').instance,
      ).toBe('/only-url');
      expect(b.build({ status: 404, code: 'NOT_FOUND' }, undefined, {}, 'r1', 'en').instance).toBe('/');
    });
  });

  it('carries status, code and the request id', () => {
    const p = builder().build({ status: 409, code: 'CONFLICT' }, undefined, req(), 'req-123', 'en');
    expect(p).toEqual({
      type: 'about:blank',
      title: 'Conflict',
      status: 409,
      detail: 'The request conflicts with the current state of the resource.',
      instance: '/orders/42',
      code: 'CONFLICT',
      requestId: 'req-123',
    });
  });

  describe('details', () => {
    const reserved = {
      type: 'https://evil.example.com',
      title: 'Hacked',
      status: 200,
      detail: 'all good',
      instance: '/elsewhere',
      code: 'OK',
      requestId: 'forged',
      errors: [],
      debug: { stack: ['x'] },
    };

    it('are merged, redacted, and never override a reserved member', () => {
      const mapped: MappedError = {
        status: 402,
        code: 'PAYMENT_REQUIRED',
        message: 'Upgrade to continue',
        details: { plan: 'pro', balance: { cents: 120 }, apiKey: 'sk_live_123456789', ...reserved },
      };
      const p = builder().build(mapped, undefined, req(), 'req-9', 'en');
      expect(p).toEqual({
        type: 'about:blank',
        title: 'Payment Required',
        status: 402,
        detail: 'Upgrade to continue',
        instance: '/orders/42',
        code: 'PAYMENT_REQUIRED',
        requestId: 'req-9',
        plan: 'pro',
        balance: { cents: 120 },
        apiKey: R,
      });
    });

    it('are left out when the message is not shown (5xx)', () => {
      const mapped: MappedError = { status: 500, code: 'INTERNAL_ERROR', details: { host: 'db-1.internal' } };
      const p = builder().build(mapped, undefined, req(), 'r1', 'en');
      expect(p).not.toHaveProperty('host');
    });
  });

  describe('field errors', () => {
    it('are sent as errors, each detail redacted, pointer, field and code kept', () => {
      const mapped: MappedError = {
        status: 400,
        code: 'VALIDATION_ERROR',
        message: 'Invalid fields',
        fieldErrors: [
          { pointer: '#/token', field: 'token', code: 'isJWT', detail: `token ${JWT} has expired` },
          { pointer: '#/items/0/qty', field: 'items.0.qty', code: 'min', detail: 'qty must be at least 1' },
        ],
      };
      const p = builder().build(mapped, undefined, req(), 'r1', 'en');
      expect(p.errors).toEqual([
        { pointer: '#/token', field: 'token', code: 'isJWT', detail: `token ${R} has expired` },
        { pointer: '#/items/0/qty', field: 'items.0.qty', code: 'min', detail: 'qty must be at least 1' },
      ]);
    });

    it('are left out when there are none', () => {
      const p = builder().build(
        { status: 400, code: 'BAD_REQUEST', fieldErrors: [] },
        undefined,
        req(),
        'r1',
        'en',
      );
      expect(p).not.toHaveProperty('errors');
    });
  });

  describe('debug', () => {
    const exception = new Error('query failed', { cause: new TypeError(`bad token ${JWT}`) });
    const request = req({
      method: 'POST',
      originalUrl: '/orders?access_token=abcdefgh1234',
      headers: { authorization: 'Bearer abcdefgh12345', 'user-agent': 'jest' },
    });
    const mapped: MappedError = { status: 500, code: 'INTERNAL_ERROR', message: 'query failed' };

    it('is absent when debug is off', () => {
      const p = builder({ debug: false }).build(mapped, exception, request, 'r1', 'en');
      expect(p).not.toHaveProperty('debug');
      expect(JSON.stringify(p)).not.toContain('query failed');
    });

    it('is present, redacted, when debug is on', () => {
      const p = builder({ debug: true }).build(mapped, exception, request, 'r1', 'en');
      expect(p.detail).toBe('An unexpected error occurred.');
      expect(p.debug).toEqual({
        exception: 'Error',
        message: 'query failed',
        stack: expect.arrayContaining(['Error: query failed']),
        causes: [{ exception: 'TypeError', message: `bad token ${R}`, stack: expect.any(Array) }],
        request: {
          method: 'POST',
          url: `/orders?access_token=${R}`,
          headers: { authorization: R, 'user-agent': 'jest' },
          query: {},
          body: null,
        },
      });
      expect(JSON.stringify(p)).not.toMatch(/eyJ|abcdefgh/);
    });
  });

  describe('texts in the negotiated language', () => {
    const registry = new ExceptionRegistry(BUILT_IN_MAPPERS);
    const answer = (b: ProblemBuilder, exception: unknown, language: string) => {
      const p = b.build(registry.resolve(exception), exception, req(), 'r1', language);
      return { p, served: b.servedLanguage(p) };
    };

    it("say an error's keyed message from the catalog, with its values", () => {
      const b = builder();
      const ko = answer(b, new NotFoundError('Notification', 42), 'ko');
      const en = answer(b, new NotFoundError('Notification', 42), 'en');

      expect(ko.p.detail).toBe('Notification 리소스를 찾을 수 없습니다: 42');
      expect(ko.served).toBe('ko');
      expect(en.p.detail).toBe('Notification not found: 42');
      expect(en.served).toBe('en');
    });

    it("show the application's own message as written, in no catalog's language", () => {
      const b = builder();
      const error = new AppError('Coupon SUMMER has expired', 'COUPON_EXPIRED', { status: 410 });

      expect(answer(b, error, 'ko')).toMatchObject({
        p: { detail: 'Coupon SUMMER has expired' },
        served: undefined,
      });
      expect(answer(b, error, 'en').served).toBeUndefined();
    });

    it("say the application's keyed message from its own catalog texts, else as written", () => {
      const b = builder({
        catalogs: { ko: { messages: { 'coupon.expired': '쿠폰 {coupon}의 사용 기간이 지났습니다.' } } },
      });
      const error = new AppError('Coupon SUMMER has expired', 'COUPON_EXPIRED', {
        status: 410,
        messageKey: 'coupon.expired',
        messageParams: { coupon: 'SUMMER' },
      });

      expect(answer(b, error, 'ko')).toMatchObject({
        p: { detail: '쿠폰 SUMMER의 사용 기간이 지났습니다.' },
        served: 'ko',
      });
      expect(answer(b, error, 'en')).toMatchObject({
        p: { detail: 'Coupon SUMMER has expired' },
        served: undefined,
      });
    });

    it('redact the values of a keyed message', () => {
      const p = answer(builder(), new NotFoundError('Session', JWT), 'ko').p;

      expect(p.detail).toBe(`Session 리소스를 찾을 수 없습니다: ${R}`);
    });

    it('never render the message of a hidden 5xx, keyed or not', () => {
      const mapped: MappedError = {
        status: 503,
        code: 'SERVICE_UNAVAILABLE',
        message: 'The service is temporarily unavailable',
        messageKey: 'serviceUnavailable',
      };
      const b = builder();
      const p = b.build(mapped, undefined, req(), 'r1', 'ko');

      expect(p.detail).toBe('서비스를 일시적으로 사용할 수 없습니다. 잠시 후 다시 시도하세요.');
      expect(b.servedLanguage(p)).toBe('ko');
    });

    it('say field errors with message keys in the language, and keep the others as written', () => {
      const b = builder();
      const keyed = fieldError(['qty'], 'min', 'qty must not be less than 1', {
        key: 'min',
        params: { field: 'qty', min: 1 },
      });
      const own = fieldError(['coupon'], 'isCoupon', 'coupon is not one of ours');
      const ko = answer(
        b,
        new ValidationError('x', [keyed], { messageKey: 'validation.invalidFields' }),
        'ko',
      );
      const mixed = answer(
        b,
        new ValidationError('x', [keyed, own], { messageKey: 'validation.invalidFields' }),
        'ko',
      );

      expect(ko.p.detail).toBe('요청에 올바르지 않은 필드가 있습니다.');
      expect(ko.p.errors).toEqual([
        { pointer: '#/qty', field: 'qty', code: 'min', detail: 'qty 필드는 1보다 작을 수 없습니다.' },
      ]);
      expect(ko.served).toBe('ko');
      expect(mixed.p.errors?.[1]).toEqual({
        pointer: '#/coupon',
        field: 'coupon',
        code: 'isCoupon',
        detail: 'coupon is not one of ours',
      });
      expect(mixed.served).toBeUndefined();
    });

    it("say a field rule that applies to each value with the catalog's each phrase", () => {
      const each = fieldError(['tags'], 'isString', 'each value in tags must be a string', {
        key: 'isString',
        params: { field: 'tags', each: 1 },
      });
      const b = builder();
      const error = new ValidationError('x', [each], { messageKey: 'validation.invalidFields' });

      expect(answer(b, error, 'ko').p.errors?.[0].detail).toBe('tags 필드의 각 요소는 문자열이어야 합니다.');
      expect(answer(b, error, 'en').p.errors?.[0].detail).toBe('each value in tags must be a string');
    });

    it('say a fixed detail in the language, and the body in that language', () => {
      const b = builder();
      const ko = b.build({ status: 500, code: 'INTERNAL_ERROR' }, undefined, req(), 'r1', 'ko');

      expect(b.servedLanguage(ko)).toBe('ko');
    });

    it('are in no language when one of them was taken from English or the default language', () => {
      const b = builder({
        catalogs: {
          ja: { titles: { 404: '見つかりません' }, details: { NOT_FOUND: 'リソースが見つかりません。' } },
        },
      });
      const allJapanese = b.build({ status: 404, code: 'NOT_FOUND' }, undefined, req(), 'r1', 'ja');
      expect(b.servedLanguage(allJapanese)).toBe('ja');
      const englishTitle = b.build({ status: 409, code: 'CONFLICT' }, undefined, req(), 'r1', 'ja');
      expect(englishTitle.title).toBe('Conflict');
      expect(b.servedLanguage(englishTitle)).toBeUndefined();
      // Known for the body built last only, which is when the filter asks.
      expect(b.servedLanguage(allJapanese)).toBeUndefined();
      const englishMessage = answer(b, new NotFoundError('Order', 7), 'ja');

      expect(englishMessage.p.detail).toBe('Order not found: 7');
      expect(englishMessage.served).toBeUndefined();
      const koTitleFromEnglish = builder({ catalogs: { en: { titles: { 460: 'Quota Exhausted' } } } });
      const p = koTitleFromEnglish.build({ status: 460, code: 'QUOTA' }, undefined, req(), 'r1', 'ko');
      expect(koTitleFromEnglish.servedLanguage(p)).toBeUndefined();
    });

    it('are in no language for a language without a catalog (the default language answers)', () => {
      const b = builder();
      const p = b.build({ status: 500, code: 'INTERNAL_ERROR' }, undefined, req(), 'r1', 'fr');

      expect(p.title).toBe('Internal Server Error');
      expect(b.servedLanguage(p)).toBeUndefined();
    });
  });
});
