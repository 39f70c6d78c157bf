import { ERROR_CODES } from '../errors/error-codes';
import { BUILT_IN_CATALOGS, EN_CATALOG, KO_CATALOG, buildCatalogs } from './message-catalogs';

const STATUSES = [...new Set(Object.values(ERROR_CODES).map((c) => c.status))];

describe('shipped message catalogs', () => {
  it('ships English and Korean', () => {
    expect(Object.keys(BUILT_IN_CATALOGS).sort()).toEqual(['en', 'ko']);
  });

  it.each([
    ['en', EN_CATALOG],
    ['ko', KO_CATALOG],
  ])('%s has a non-empty title for every status in ERROR_CODES', (_lang, catalog) => {
    const missing = STATUSES.filter((s) => !catalog.titles[s]);

    expect(missing).toEqual([]);
  });

  it.each([
    ['en', EN_CATALOG],
    ['ko', KO_CATALOG],
  ])('%s has a non-empty detail for every code in ERROR_CODES', (_lang, catalog) => {
    const missing = Object.keys(ERROR_CODES).filter((code) => !catalog.details[code]);

    expect(missing).toEqual([]);
  });

  it('Korean covers exactly the titles, details and labels English has', () => {
    expect(Object.keys(KO_CATALOG.titles).sort()).toEqual(Object.keys(EN_CATALOG.titles).sort());
    expect(Object.keys(KO_CATALOG.details).sort()).toEqual(Object.keys(EN_CATALOG.details).sort());
    expect(Object.keys(KO_CATALOG.labels).sort()).toEqual(Object.keys(EN_CATALOG.labels).sort());
  });

  it('Korean texts are translated, not copied from English', () => {
    expect(KO_CATALOG.titles[404]).toBe('찾을 수 없음');
    for (const status of STATUSES) expect(KO_CATALOG.titles[status]).not.toBe(EN_CATALOG.titles[status]);
  });

  it('has details only for codes listed in ERROR_CODES', () => {
    for (const code of Object.keys(EN_CATALOG.details)) expect(Object.keys(ERROR_CODES)).toContain(code);
  });
});

describe('buildCatalogs', () => {
  it('returns the shipped catalogs untouched when the user gives none', () => {
    const catalogs = buildCatalogs();

    expect([...catalogs.keys()].sort()).toEqual(['en', 'ko']);
    expect(catalogs.get('en')).toBe(EN_CATALOG);
    expect(catalogs.get('ko')).toBe(KO_CATALOG);
  });

  it('overrides single entries of a shipped catalog and keeps the rest of it', () => {
    const ko = buildCatalogs({ ko: { titles: { 404: '없음' }, labels: { code: '오류 코드' } } }).get('ko');

    expect(ko?.titles[404]).toBe('없음');
    expect(ko?.titles[409]).toBe(KO_CATALOG.titles[409]);
    expect(ko?.details.NOT_FOUND).toBe(KO_CATALOG.details.NOT_FOUND);
    expect(ko?.labels.code).toBe('오류 코드');
    expect(ko?.labels.requestId).toBe(KO_CATALOG.labels.requestId);
  });

  it('falls back to English entry by entry for a new language', () => {
    const ja = buildCatalogs({
      ja: { titles: { 404: '見つかりません' }, details: { NOT_FOUND: '見つかりません。' } },
    }).get('ja');

    expect(ja?.titles[404]).toBe('見つかりません');
    expect(ja?.titles[500]).toBe(EN_CATALOG.titles[500]);
    expect(ja?.details.NOT_FOUND).toBe('見つかりません。');
    expect(ja?.details.INTERNAL_ERROR).toBe(EN_CATALOG.details.INTERNAL_ERROR);
    expect(ja?.labels).toEqual(EN_CATALOG.labels);
  });

  it('accepts an empty catalog for a new language as a copy of English', () => {
    expect(buildCatalogs({ fr: {} }).get('fr')).toEqual(EN_CATALOG);
  });

  it('adds details for codes of the application', () => {
    const en = buildCatalogs({ en: { details: { COUPON_EXPIRED: 'The coupon has expired.' } } }).get('en');

    expect(en?.details.COUPON_EXPIRED).toBe('The coupon has expired.');
    expect(en?.details.NOT_FOUND).toBe(EN_CATALOG.details.NOT_FOUND);
  });

  it('stores language tags in lower case', () => {
    const catalogs = buildCatalogs({
      'pt-BR': { titles: { 404: 'Não encontrado' } },
      KO: { titles: { 404: '없음' } },
    });

    expect(catalogs.get('pt-br')?.titles[404]).toBe('Não encontrado');
    expect(catalogs.get('ko')?.titles[404]).toBe('없음');
    expect(catalogs.has('pt-BR')).toBe(false);
  });

  it('does not change the shipped catalogs', () => {
    const before = JSON.stringify(BUILT_IN_CATALOGS);
    buildCatalogs({ en: { titles: { 404: 'Nope' } }, ko: { details: { NOT_FOUND: 'x' } } });

    expect(JSON.stringify(BUILT_IN_CATALOGS)).toBe(before);
    expect(EN_CATALOG.titles[404]).toBe('Not Found');
  });
});
