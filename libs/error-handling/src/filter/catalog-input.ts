import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { compileTemplate, placeholdersOf } from '../errors/message-template';
import { check, isPlainObject } from '../kernel/option-checks';
import type { MessageCatalog, MessageCatalogInput } from './message-catalog.interface';
import { buildCatalogs, CATALOG_PARTS, EN_CATALOG, missingCatalogKeys } from './message-catalogs';

const LANGUAGE_TAG = /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/;
const ERROR_CODE = /^[A-Z][A-Z0-9_]{0,63}$/;
/** How many missing keys a start-up error lists before it says how many more there are. */
const LISTED_MISSING = 20;

/**
 * The `catalogs` option resolved: each language checked, those given as a file path read and
 * checked for completeness, and all merged with the shipped catalogs. Runs once, at start-up.
 *
 * @param cwd what a relative file path is resolved against
 * @throws FaultlineConfigError naming `catalogs.<tag>` (and the part and key at fault) for a tag
 * that is not a language tag, a file that cannot be read or is not JSON, a part or label that
 * does not exist, a title that is not an error status, a placeholder the English text does not
 * have, and, for a file, the texts English has that it lacks.
 */
export function resolveCatalogs(catalogs: unknown, cwd: string = process.cwd()): Map<string, MessageCatalog> {
  check(
    catalogs === undefined || isPlainObject(catalogs),
    'catalogs',
    'must be an object of catalogs by language tag',
  );
  const inputs: Record<string, MessageCatalogInput> = {};
  for (const [lang, value] of Object.entries(catalogs ?? {})) {
    const option = `catalogs.${lang}`;
    check(LANGUAGE_TAG.test(lang), option, 'is not a language tag', 'Use tags like "ja" or "pt-BR"');
    inputs[lang] =
      typeof value === 'string' ? readCatalogFile(option, value, cwd) : checkCatalog(option, value);
  }
  return buildCatalogs(inputs);
}

/** Reads a language's catalog from a JSON file; it must have every text English has. */
function readCatalogFile(option: string, path: string, cwd: string): MessageCatalogInput {
  const file = resolve(cwd, path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    check(false, option, `could not be read from ${file}: ${(error as Error).message}`, fileFix(cwd));
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    check(false, option, `is not valid JSON (${file}): ${(error as Error).message}`);
  }
  const catalog = checkCatalog(option, parsed, file);
  const missing = missingCatalogKeys(catalog);
  check(
    missing.length === 0,
    option,
    `lacks ${missing.length} of the texts English has (${file}): ${listed(missing)}`,
    'A catalog file must have them all: add them (EN_CATALOG and docs/examples/catalog.en.json have the English ' +
      'texts), or pass the parsed object instead of the path to take the missing ones from English',
  );
  return catalog;
}

function fileFix(cwd: string): string {
  return `Give the path of a JSON catalog file; a relative path is resolved from the working directory (${cwd})`;
}

function listed(keys: string[]): string {
  const shown = keys.slice(0, LISTED_MISSING).join(', ');
  return keys.length > LISTED_MISSING ? `${shown} and ${keys.length - LISTED_MISSING} more` : shown;
}

/**
 * Checks one catalog's shape: only the known parts, each an object of strings; titles by error
 * status, labels by the labels English has, details by error code; and in a text English also
 * has, only placeholders English's text has (a misspelt `{feild}` would be shown as written).
 */
function checkCatalog(option: string, catalog: unknown, file?: string): MessageCatalogInput {
  const where = file === undefined ? '' : ` (${file})`;
  check(
    isPlainObject(catalog),
    option,
    `must be an object with titles, details, labels, fields and/or messages${where}`,
    'Or the path of a JSON file with them',
  );
  for (const [part, entries] of Object.entries(catalog)) {
    check(
      (CATALOG_PARTS as readonly string[]).includes(part),
      `${option}.${part}`,
      `is not a part of a message catalog${where}`,
      `Parts: ${CATALOG_PARTS.join(', ')}`,
    );
    if (entries === undefined) continue;
    check(isPlainObject(entries), `${option}.${part}`, `must be an object of strings${where}`);
    for (const [key, text] of Object.entries(entries)) {
      const at = `${option}.${part}.${key}`;
      check(typeof text === 'string', at, `must be a string${where}`);
      checkKey(part as MessageCatalogPart, key, at, where);
      checkPlaceholders(part as MessageCatalogPart, key, text, at, where);
    }
  }
  return catalog as MessageCatalogInput;
}

type MessageCatalogPart = (typeof CATALOG_PARTS)[number];

function checkKey(part: MessageCatalogPart, key: string, at: string, where: string): void {
  if (part === 'titles') {
    const status = Number(key);
    check(
      Number.isInteger(status) && status >= 400 && status <= 599 && String(status) === key,
      at,
      `is not an HTTP error status (400-599)${where}`,
    );
  } else if (part === 'labels') {
    check(
      Object.hasOwn(EN_CATALOG.labels, key),
      at,
      `is not a label${where}`,
      `Labels: ${Object.keys(EN_CATALOG.labels).join(', ')}`,
    );
  } else if (part === 'details') {
    check(ERROR_CODE.test(key), at, `is not an error code (UPPER_SNAKE)${where}`, 'For example NOT_FOUND');
  } else {
    check(key !== '', at, `needs a key${where}`);
  }
}

function checkPlaceholders(
  part: MessageCatalogPart,
  key: string,
  text: string,
  at: string,
  where: string,
): void {
  if (part !== 'fields' && part !== 'messages') return;
  const english = EN_CATALOG[part];
  if (!Object.hasOwn(english, key)) return;
  const allowed = placeholdersOf(compileTemplate(english[key]));
  const unknown = placeholdersOf(compileTemplate(text)).filter((name) => !allowed.includes(name));
  check(
    unknown.length === 0,
    at,
    `has the placeholder${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `{${n}}`).join(', ')}, which the English text does not${where}`,
    allowed.length > 0
      ? `Its placeholders: ${allowed.map((n) => `{${n}}`).join(', ')}`
      : 'The English text has no placeholders',
  );
}
