import { scanKeyValuePairs } from './key-value-scanner';
import { Redactor } from './redactor';
import { SecretRanges, scanMeter } from './secret-ranges';
import { SensitiveKeyMatcher } from './sensitive-keys';

const R = '[REDACTED]';
const redactor = new Redactor();

describe('free-text key=value pairs', () => {
  it.each([
    // libpq keyword/value connection strings, as drivers quote them in errors
    [
      'connection failed: host=db user=app password=hunter2 dbname=x',
      `connection failed: host=db user=app password=${R} dbname=x`,
    ],
    ["host=db password='a b c' dbname=x", `host=db password='${R}' dbname=x`],
    ['host = db password = hunter2 port = 5432', `host = db password = ${R} port = 5432`],
    // YAML, log messages, .env files, command lines
    ['secret: abc', `secret: ${R}`],
    ['config error at line 3: api_key=abc', `config error at line 3: api_key=${R}`],
    ['DB_PASSWORD=hunter2\nDB_HOST=db', `DB_PASSWORD=${R}\nDB_HOST=db`],
    ['spawn psql --password=hunter2 --user=app', `spawn psql --password=${R} --user=app`],
    // After `;` the query scan has the pair, and a `;` inside a sensitive value is part of it.
    ['Server=db;Database=app;Password=hunter2;Timeout=3', `Server=db;Database=app;Password=${R}`],
    ['retry with clientSecret: abc, scope: read', `retry with clientSecret: ${R}, scope: read`],
    // JSON inside a message, also escaped twice
    ['bad payload {"password":"p w","user":"ann"}', `bad payload {"password":"${R}","user":"ann"}`],
    ['body {\\"token\\":\\"abc\\",\\"n\\":1}', `body {\\"token\\":\\"${R}\\",\\"n\\":1}`],
    // A query-style key outside a query
    ['form user[name]=ann&user[password]=pw', `form user[name]=ann&user[password]=${R}`],
  ])('%j -> %j', (text, expected) => {
    expect(redactor.redactString(text)).toBe(expected);
  });

  it('keeps the scheme of an Authorization value and replaces its credential', () => {
    expect(redactor.redactString('upstream refused Authorization: Bearer abc.def')).toBe(
      `upstream refused Authorization: Bearer ${R}`,
    );
    expect(redactor.redactString('Proxy-Authorization: Negotiate YIIabc== (retry)')).toBe(
      `Proxy-Authorization: Negotiate ${R} (retry)`,
    );
    expect(redactor.redactString('authorization: Digest username="ann", response="6629fae4"\nnext')).toBe(
      `authorization: Digest ${R}\nnext`,
    );
  });

  it('replaces a quoted value that is not closed to the end of its line only', () => {
    expect(redactor.redactString("password='open quote and more\nsecond line")).toBe(
      `password='${R}\nsecond line`,
    );
  });

  it('leaves keys that are not sensitive, URLs and times alone', () => {
    for (const text of [
      'connection failed: host=db user=app dbname=x',
      'at 12:30:45 the passwordHint: use your pet, maxTokens=4096',
      'see https://example.com:8443/a?b=c for details',
      'tokenizer: fast, signatureAlgorithm=RS256',
      "For example { 'card-number': false }, token: null, password=undefined",
    ]) {
      expect(redactor.redactString(text)).toBe(text);
    }
  });

  it('leaves what it replaced alone when the text is redacted again', () => {
    const once = redactor.redactString('host=db password=hunter2 token: "abc" secret: xyz');
    expect(once).toBe(`host=db password=${R} token: "${R}" secret: ${R}`);
    expect(redactor.redactString(once)).toBe(once);
    const hmac = new Redactor({ hmac: { key: 'a-key-of-at-least-16-bytes' } });
    const hashed = hmac.redactString('password=hunter2');
    expect(hashed).toMatch(/^password=\[REDACTED:[0-9a-f]{16}\]$/);
    expect(hmac.redactString(hashed)).toBe(hashed);
  });

  it('leaves a URL password to the URL scanner and a query value to the query scan', () => {
    expect(redactor.redactString('redis://token:s3cret@cache:6379/0')).toBe(
      `redis://token:${R}@cache:6379/0`,
    );
    expect(redactor.redactString('/cb?access_token=abc#top')).toBe(`/cb?access_token=${R}#top`);
  });

  it('finds pairs in percent-encoded text and in values of query parameters', () => {
    expect(redactor.redactString('/x?q=text%20password%3Dhunter2%20end')).toBe(
      `/x?q=text%20password%3D${R}%20end`,
    );
    expect(redactor.redact({ q: 'token=abc' })).toEqual({ q: `token=${R}` });
  });

  it('finds a pair in a short string', () => {
    expect(redactor.redactString('pwd: ab12')).toBe(`pwd: ${R}`);
    expect(redactor.redactString('secret:abc')).toBe(`secret:${R}`);
  });

  it('follows the same key rules as object keys, including keys of your own', () => {
    const custom = new Redactor({ keys: ['phone'] });
    expect(custom.redactString('call failed: phone=+1 555 0100, name=ann')).toBe(
      `call failed: phone=${R} 555 0100, name=ann`,
    );
    const none = new Redactor({ builtInKeys: false });
    expect(none.redactString('password=hunter2')).toBe('password=hunter2');
  });

  it('judges words of free text apart from the keys of objects, in a cache of their own that is emptied when full', () => {
    const matcher = new SensitiveKeyMatcher(new Set(['password']), []);
    const caches = matcher as unknown as { cache: Map<string, boolean>; words: Map<string, boolean> };
    const seen: string[] = [];
    const rules = {
      isSensitive: (key: string) => {
        seen.push(key);
        return matcher.matchesWord(key);
      },
      censorValue: () => R,
    };
    const out = new SecretRanges();
    scanKeyValuePairs('a: 1 b=2 password=x "c": 3', rules, '[REDACTED', out);
    expect(seen).toEqual(['a', 'b', 'password', 'c']);
    expect(out.apply('a: 1 b=2 password=x "c": 3', 26, R)).toBe(`a: 1 b=2 password=${R} "c": 3`);
    expect(caches.cache.size).toBe(0);
    expect(caches.words.size).toBe(4);
    for (let i = 0; i < 5000; i++) expect(matcher.matchesWord(`word${i}x`)).toBe(false);
    expect(caches.words.size).toBeLessThanOrEqual(1024);
    expect(caches.cache.size).toBe(0);
    expect(matcher.matchesWord('userPassword')).toBe(false);
    expect(new SensitiveKeyMatcher(new Set(), ['password']).matchesWord('userPassword')).toBe(true);
  });

  it('steps over each character a bounded number of times', () => {
    const matcher = new SensitiveKeyMatcher(new Set(['password', 'secret']), []);
    const rules = { isSensitive: (key: string) => matcher.matchesWord(key), censorValue: () => R };
    for (const unit of [
      'a=',
      'secret:',
      "password='",
      'password: "',
      'x'.repeat(200) + '=',
      '\\"k\\":\\"',
      ' : ',
    ]) {
      const text = unit.repeat(Math.ceil(65_536 / unit.length));
      scanMeter.chars = 0;
      scanKeyValuePairs(text, rules, '[REDACTED', new SecretRanges());
      expect({ unit, bounded: scanMeter.chars / text.length <= 4 }).toEqual({ unit, bounded: true });
    }
  });
});
