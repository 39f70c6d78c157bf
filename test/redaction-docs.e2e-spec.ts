import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILT_IN_DETECTOR_NAMES, DEFAULT_SENSITIVE_KEYS } from '../libs/error-handling/src/redaction';

const page = readFileSync(join(__dirname, '..', 'docs', 'redaction.md'), 'utf8');

describe('docs/redaction.md', () => {
  it('lists exactly the built-in value detectors, once each, in its table of detectors', () => {
    const values = page.slice(page.indexOf('### Values'), page.indexOf('### Turning detectors off'));
    const listed = [...values.matchAll(/^\|\s*`([a-z-]+)`\s*\|/gm)].map((m) => m[1]);
    expect(listed).toEqual([...BUILT_IN_DETECTOR_NAMES]);
  });

  it('names every built-in sensitive key', () => {
    const keys = page.slice(page.indexOf('### Keys'), page.indexOf('How a key is compared'));
    for (const key of DEFAULT_SENSITIVE_KEYS)
      expect({ key, listed: keys.includes(`\`${key}\``) }).toEqual({ key, listed: true });
  });
});
