import { ERROR_CODES } from '../errors/error-codes';
import { ERROR_MESSAGES } from '../errors/error-messages';
import { FIELD_MESSAGES } from '../errors/field-messages';
import { compileTemplate, placeholdersOf } from '../errors/message-template';
import {
  BUILT_IN_CATALOGS,
  CATALOG_PARTS,
  EN_CATALOG,
  KO_CATALOG,
  borrowedEntries,
  buildCatalogs,
  missingCatalogKeys,
} from './message-catalogs';

const HANGUL = /[\uac00-\ud7a3]/;
const placeholders = (text: string) => placeholdersOf(compileTemplate(text)).sort();

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

  it('Korean has a text for every key English has: titles, details, labels, fields and messages', () => {
    expect(missingCatalogKeys(KO_CATALOG)).toEqual([]);
  });

  it.each(CATALOG_PARTS)('Korean has no %s that English lacks', (part) => {
    expect(Object.keys(KO_CATALOG[part]).sort()).toEqual(Object.keys(EN_CATALOG[part]).sort());
  });

  it('Korean texts are translated, not copied from English', () => {
    expect(KO_CATALOG.titles[404]).toBe('찾을 수 없음');
    for (const part of CATALOG_PARTS) {
      const english = EN_CATALOG[part] as Record<string, string>;
      for (const [key, text] of Object.entries(KO_CATALOG[part] as Record<string, string>)) {
        expect([`${part}.${key}`, text]).not.toEqual([`${part}.${key}`, english[key]]);
        expect([`${part}.${key}`, HANGUL.test(text)]).toEqual([`${part}.${key}`, true]);
      }
    }
  });

  it('Korean field and message texts use the placeholders English has, and each of them', () => {
    for (const part of ['fields', 'messages'] as const) {
      for (const [key, english] of Object.entries(EN_CATALOG[part])) {
        expect([`${part}.${key}`, placeholders(KO_CATALOG[part][key])]).toEqual([
          `${part}.${key}`,
          placeholders(english),
        ]);
      }
    }
  });

  it('English field and message texts are the ones the pipe and the errors write', () => {
    expect(EN_CATALOG.fields).toEqual(FIELD_MESSAGES);
    expect(EN_CATALOG.messages).toEqual(ERROR_MESSAGES);
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

  it('remembers what a new language took from English, and takes nothing for a shipped one', () => {
    const catalogs = buildCatalogs({
      ja: {
        titles: { 404: '見つかりません' },
        fields: { isString: '{field}は文字列です' },
        labels: { code: 'コード' },
      },
      ko: { titles: { 404: '없음' } },
    });
    const ja = borrowedEntries(catalogs.get('ja')!);

    expect(ja?.titles.has('404')).toBe(false);
    expect(ja?.titles.has('500')).toBe(true);
    expect(ja?.fields.has('isString')).toBe(false);
    expect(ja?.fields.has('min')).toBe(true);
    expect(ja?.messages.has('notFound.id')).toBe(true);
    expect(ja?.labels.has('code')).toBe(false);
    expect(ja?.labels.has('each')).toBe(true);
    expect(borrowedEntries(catalogs.get('ko')!)).toBeUndefined();
    expect(borrowedEntries(catalogs.get('en')!)).toBeUndefined();
  });

  it('overrides and adds field and message texts', () => {
    const ko = buildCatalogs({
      ko: {
        fields: { isNotEmpty: '{field}을(를) 입력하세요.' },
        messages: { 'coupon.expired': '쿠폰 {coupon} 만료' },
      },
    }).get('ko');

    expect(ko?.fields.isNotEmpty).toBe('{field}을(를) 입력하세요.');
    expect(ko?.fields.isString).toBe(KO_CATALOG.fields.isString);
    expect(ko?.messages['coupon.expired']).toBe('쿠폰 {coupon} 만료');
    expect(ko?.messages['notFound.id']).toBe(KO_CATALOG.messages['notFound.id']);
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

describe('missingCatalogKeys', () => {
  it('names each text English has that a catalog lacks, by part and key', () => {
    const missing = missingCatalogKeys({ titles: { 404: 'x' }, labels: { code: 'x', each: '' } });

    expect(missing).toContain('titles.400');
    expect(missing).not.toContain('titles.404');
    expect(missing).toContain('labels.each');
    expect(missing).not.toContain('labels.code');
    expect(missing).toContain('fields.isNotEmpty');
    expect(missing).toContain('messages.notFound.id');
    expect(missing).toContain('details.NOT_FOUND');
  });

  it('finds nothing missing in English itself', () => {
    expect(missingCatalogKeys(EN_CATALOG)).toEqual([]);
  });
});
