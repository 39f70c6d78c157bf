import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configErrorOf } from '../kernel/config-error.testing';
import { resolveCatalogs } from './catalog-input';
import { EN_CATALOG, KO_CATALOG, borrowedEntries, missingCatalogKeys } from './message-catalogs';

/** A catalog file's parts, as JSON.parse reads them. */
type CatalogJson = Record<string, Record<string, unknown>>;

const REPO = join(__dirname, '..', '..', '..', '..');
const EXAMPLES = join(REPO, 'docs', 'examples');
const japanese = () => JSON.parse(readFileSync(join(EXAMPLES, 'catalog.ja.json'), 'utf8')) as CatalogJson;

describe('catalogs given as JSON files', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'faultline-catalogs-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Writes `content` (JSON unless a string) to a file in the temporary directory; its path. */
  const file = (name: string, content: unknown): string => {
    const path = join(dir, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };

  it("adds the docs' Japanese example, every text its own", () => {
    const ja = resolveCatalogs({ ja: join(EXAMPLES, 'catalog.ja.json') }).get('ja');

    expect(ja?.titles[404]).toBe('見つかりません');
    expect(ja?.fields.isNotEmpty).toBe('「{field}」{each}は空にできません。');
    expect(ja?.messages['notFound.id']).toBe('{resource} が見つかりません: {id}');
    expect([...Object.values(borrowedEntries(ja!) ?? {})].every((keys) => keys.size === 0)).toBe(true);
  });

  it("keeps the docs' English example equal to the English catalog, a complete file to translate from", () => {
    const english = JSON.parse(readFileSync(join(EXAMPLES, 'catalog.en.json'), 'utf8'));

    expect(english).toEqual(JSON.parse(JSON.stringify(EN_CATALOG)));
  });

  it('resolves a relative path from the working directory', () => {
    file('ko.json', KO_CATALOG);

    expect(resolveCatalogs({ 'ko-KR': 'ko.json' }, dir).get('ko-kr')?.titles[404]).toBe('찾을 수 없음');
  });

  it('stops start-up naming the language and the texts a file lacks', () => {
    const incomplete = japanese();
    delete incomplete.titles['418'];
    delete incomplete.fields.isEmail;
    delete incomplete.messages['notFound.id'];
    const path = file('ja-incomplete.json', incomplete);
    const error = configErrorOf(() => resolveCatalogs({ ja: path }));

    expect(error.option).toBe('catalogs.ja');
    expect(error.message).toContain(`lacks 3 of the texts English has (${path}): `);
    expect(error.message).toContain('titles.418, fields.isEmail, messages.notFound.id');
    expect(error.message).toContain('pass the parsed object instead of the path');
  });

  it('lists at most 20 missing texts, and says how many more', () => {
    const error = configErrorOf(() =>
      resolveCatalogs({ fr: file('fr.json', { titles: { 404: 'Introuvable' } }) }),
    );
    const count = missingCatalogKeys({ titles: { 404: 'x' } }).length;

    expect(error.message).toContain(`lacks ${count} of the texts English has`);
    expect(error.message).toContain(`and ${count - 20} more`);
  });

  it.each([
    ['a part no catalog has', (c: CatalogJson) => (c.colours = {}), 'catalogs.ja.colours'],
    ['a label no page has', (c: CatalogJson) => (c.labels.footer = 'x'), 'catalogs.ja.labels.footer'],
    ['a title of no error status', (c: CatalogJson) => (c.titles['99'] = 'x'), 'catalogs.ja.titles.99'],
    [
      'a detail of no error code',
      (c: CatalogJson) => (c.details.notFound = 'x'),
      'catalogs.ja.details.notFound',
    ],
    [
      'a text that is not a string',
      (c: CatalogJson) => (c.messages.conflict = 1),
      'catalogs.ja.messages.conflict',
    ],
  ])('stops start-up for %s, naming it', (_case, change, option) => {
    const catalog = japanese();
    change(catalog);
    const path = file('ja-extra.json', catalog);
    const error = configErrorOf(() => resolveCatalogs({ ja: path }));

    expect(error.option).toBe(option);
    expect(error.message).toContain(path);
  });

  it('stops start-up for a placeholder the English text does not have, naming those it has', () => {
    const catalog = japanese();
    catalog.fields.min = '「{field}」は {minimum} 以上です。';
    const error = configErrorOf(() => resolveCatalogs({ ja: file('ja-typo.json', catalog) }));

    expect(error.option).toBe('catalogs.ja.fields.min');
    expect(error.message).toContain('has the placeholder {minimum}, which the English text does not');
    expect(error.message).toContain('Its placeholders: {each}, {field}, {min}');
  });

  it('stops start-up for a file it cannot read or parse', () => {
    const missing = configErrorOf(() => resolveCatalogs({ ja: join(dir, 'nope.json') }));
    const broken = configErrorOf(() => resolveCatalogs({ ja: file('broken.json', '{"titles": {') }));
    const notObject = configErrorOf(() => resolveCatalogs({ ja: file('array.json', '[]') }));

    expect(missing.option).toBe('catalogs.ja');
    expect(missing.message).toContain(`could not be read from ${join(dir, 'nope.json')}`);
    expect(missing.message).toContain('a relative path is resolved from the working directory');
    expect(broken.option).toBe('catalogs.ja');
    expect(broken.message).toContain('is not valid JSON');
    expect(notObject.message).toContain(
      'must be an object with titles, details, labels, fields and/or messages',
    );
  });
});

describe('catalogs given as objects', () => {
  it('may give any subset: the rest comes from the shipped catalog, then English', () => {
    const catalogs = resolveCatalogs({
      ko: { messages: { 'coupon.expired': '쿠폰 {coupon}의 사용 기간이 지났습니다.' } },
      ja: { titles: { 404: '見つかりません' } },
    });

    expect(catalogs.get('ko')?.messages['coupon.expired']).toBe('쿠폰 {coupon}의 사용 기간이 지났습니다.');
    expect(catalogs.get('ko')?.fields.isString).toBe(KO_CATALOG.fields.isString);
    expect(catalogs.get('ja')?.titles[500]).toBe(EN_CATALOG.titles[500]);
  });

  it.each([
    [{ ja: { title: { 404: 'x' } } }, 'catalogs.ja.title'],
    [{ ja: { labels: { cod: 'x' } } }, 'catalogs.ja.labels.cod'],
    [{ ja: { fields: { isString: '{field} {typo}' } } }, 'catalogs.ja.fields.isString'],
    [{ ja: { messages: { 'notFound.id': '{resource}: {identifier}' } } }, 'catalogs.ja.messages.notFound.id'],
    [{ ja: { fields: [] } }, 'catalogs.ja.fields'],
  ])('are checked as files are, but for completeness: %j', (catalogs, option) => {
    expect(configErrorOf(() => resolveCatalogs(catalogs)).option).toBe(option);
  });

  it('allow any placeholder in a text of the application', () => {
    const ko = resolveCatalogs({ ko: { messages: { 'coupon.expired': '{coupon} {until}' } } }).get('ko');

    expect(ko?.messages['coupon.expired']).toBe('{coupon} {until}');
  });
});
