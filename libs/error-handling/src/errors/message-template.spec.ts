import { ERROR_MESSAGES, englishMessage, keyedMessage } from './error-messages';
import { englishFieldMessage } from './field-messages';
import { compileTemplate, placeholdersOf, renderTemplate } from './message-template';

describe('message templates', () => {
  it('fill each {name} with its value', () => {
    const template = compileTemplate('{resource} not found: {id}');

    expect(renderTemplate(template, { resource: 'Notification', id: 42 })).toBe('Notification not found: 42');
    expect(placeholdersOf(template)).toEqual(['resource', 'id']);
  });

  it('keep a placeholder without a value as written, so that a missing value shows', () => {
    expect(renderTemplate(compileTemplate('{resource} not found: {id}'), { resource: 'Order' })).toBe(
      'Order not found: {id}',
    );
  });

  it('take a fixed text of the catalog before a value of the error', () => {
    const template = compileTemplate('{each}{field} must be a string');

    expect(renderTemplate(template, { field: 'tags', each: 1 }, { each: 'each value in ' })).toBe(
      'each value in tags must be a string',
    );
  });

  it('treat braces that do not hold a name as text', () => {
    const text = 'JSON looks like {"a": 1} or {} or { x } or {1a} or {a-b}, and {ok}';

    expect(renderTemplate(compileTemplate(text), { ok: 'yes' })).toBe(
      'JSON looks like {"a": 1} or {} or { x } or {1a} or {a-b}, and yes',
    );
    expect(placeholdersOf(compileTemplate(text))).toEqual(['ok']);
  });

  it('read only the values own to the params, never those of Object.prototype', () => {
    const template = compileTemplate('{constructor} {toString} {__proto__}');

    expect(renderTemplate(template, {})).toBe('{constructor} {toString} {__proto__}');
    expect(renderTemplate(template, null as never)).toBe('{constructor} {toString} {__proto__}');
  });

  it('compile and render in linear time, whatever the text holds', () => {
    const hostile = `${'{'.repeat(200_000)}${'{a'.repeat(200_000)}${'a'.repeat(200_000)}`;
    const started = process.hrtime.bigint();
    const template = compileTemplate(hostile);
    renderTemplate(template, { a: 'x' });

    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(1000);
    expect(template).toHaveLength(1);
  });
});

describe('English messages of Faultline', () => {
  it('are the texts the errors carried before they had keys', () => {
    expect(englishMessage('notFound.id', { resource: 'Notification', id: 42 })).toBe(
      'Notification not found: 42',
    );
    expect(englishMessage('route.notFound', { method: 'GET', path: '/nope' })).toBe('Cannot GET /nope');
    expect(englishFieldMessage('min', { field: 'qty', min: 1 })).toBe('qty must not be less than 1');
    expect(englishFieldMessage('isString', { field: 'tags' }, true)).toBe(
      'each value in tags must be a string',
    );
  });

  it('give a mapped error its message, key and values', () => {
    expect(keyedMessage('body.notJson')).toEqual({
      message: 'The request body is not valid JSON',
      messageKey: 'body.notJson',
    });
    expect(keyedMessage('db.uniqueViolated', { constraint: 'users_email_key' })).toEqual({
      message: 'Unique constraint violated: users_email_key',
      messageKey: 'db.uniqueViolated',
      messageParams: { constraint: 'users_email_key' },
    });
  });

  it('have keys of letters, digits and dots', () => {
    for (const key of Object.keys(ERROR_MESSAGES))
      expect(key).toMatch(/^[a-z][A-Za-z0-9]*(\.[A-Za-z0-9]+)*$/);
  });
});
