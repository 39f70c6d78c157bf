import { negotiateFormat, negotiateLanguage } from './content-negotiation';

describe('negotiateFormat', () => {
  it.each([
    ['Chrome', 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8'],
    ['Firefox', 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'],
    ['Safari', 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'],
  ])('answers a %s page load with HTML', (_browser, accept) => {
    expect(negotiateFormat(accept)).toBe('html');
  });

  it('answers text/plain with plain text', () => {
    expect(negotiateFormat('text/plain')).toBe('text');
  });

  it.each([
    ['a missing header', undefined],
    ['an empty header', ''],
    ['*/*', '*/*'],
    ['application/json', 'application/json'],
    ['application/json with a charset', 'application/json; charset=utf-8'],
    ['application/problem+json', 'application/problem+json'],
    ['the axios default', 'application/json, text/plain, */*'],
    ['a type it cannot produce', 'image/png'],
    ['application/xml', 'application/xml'],
  ])('answers %s with JSON', (_label, accept) => {
    expect(negotiateFormat(accept)).toBe('json');
  });

  it('follows q-values', () => {
    expect(negotiateFormat('text/html;q=0.5, application/json')).toBe('json');
    expect(negotiateFormat('application/json;q=0.4, text/html;q=0.9')).toBe('html');
    expect(negotiateFormat('text/html;q=0.1, text/plain;q=0.8')).toBe('text');
    expect(negotiateFormat('text/plain;q=0.2, */*;q=0.5')).toBe('json');
  });

  it('does not pick a type the client refuses with q=0', () => {
    expect(negotiateFormat('text/html;q=0, text/plain')).toBe('text');
    expect(negotiateFormat('text/html;q=0')).toBe('json');
  });
});

describe('negotiateLanguage', () => {
  const available = ['en', 'ko'];

  it('picks the language of a regional tag', () => {
    expect(negotiateLanguage('ko-KR', available, 'en')).toBe('ko');
    expect(negotiateLanguage('en-GB', available, 'ko')).toBe('en');
  });

  it('picks an exact match', () => {
    expect(negotiateLanguage('ko', available, 'en')).toBe('ko');
  });

  it('matches tags regardless of case', () => {
    expect(negotiateLanguage('KO-kr', available, 'en')).toBe('ko');
  });

  it('follows q-values and order', () => {
    expect(negotiateLanguage('ko-KR,ko;q=0.9,en-US;q=0.8,en;q=0.7', available, 'en')).toBe('ko');
    expect(negotiateLanguage('ko;q=0.5, en;q=0.9', available, 'ko')).toBe('en');
  });

  it('skips languages it has no catalog for', () => {
    expect(negotiateLanguage('ja-JP, ja;q=0.9, ko;q=0.5', available, 'en')).toBe('ko');
  });

  it('prefers a regional catalog when one exists', () => {
    expect(negotiateLanguage('pt-BR', ['en', 'pt', 'pt-br'], 'en')).toBe('pt-br');
  });

  it.each([
    ['a missing header', undefined],
    ['an empty header', ''],
    ['an unknown language', 'ja-JP'],
    ['a wildcard', '*'],
    ['garbage', ';;;,,,'],
  ])('falls back for %s', (_label, header) => {
    expect(negotiateLanguage(header, available, 'en')).toBe('en');
    expect(negotiateLanguage(header, available, 'ko')).toBe('ko');
  });

  it('does not pick a language refused with q=0', () => {
    expect(negotiateLanguage('ko;q=0', available, 'en')).toBe('en');
  });

  it('reads a header given as several values', () => {
    expect(negotiateLanguage(['ja', 'ko-KR;q=0.8'], available, 'en')).toBe('ko');
  });
});

describe('negotiateFormat with a header given as an array', () => {
  it('joins the values like one header', () => {
    expect(negotiateFormat(['text/html'])).toBe('html');
    expect(negotiateFormat(['text/plain;q=0.5', 'application/json'])).toBe('json');
  });
});
