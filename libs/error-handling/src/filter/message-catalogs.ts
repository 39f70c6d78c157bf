import { EN_CATALOG } from './message-catalog.en';
import { KO_CATALOG } from './message-catalog.ko';
import type { MessageCatalog, MessageCatalogInput } from './message-catalog.interface';

export { EN_CATALOG } from './message-catalog.en';
export { KO_CATALOG } from './message-catalog.ko';

/** The catalogs that ship: `en` and `ko`. */
export const BUILT_IN_CATALOGS: Readonly<Record<string, MessageCatalog>> = { en: EN_CATALOG, ko: KO_CATALOG };

/** The parts of a catalog, in the order they are listed. */
export const CATALOG_PARTS = ['titles', 'details', 'labels', 'fields', 'messages'] as const;

/** A part of a catalog. */
export type CatalogPart = (typeof CATALOG_PARTS)[number];

/**
 * The entries a merged catalog took from English because its own language's input lacked them,
 * by part (titles by status). A text from one of these is not in the catalog's language.
 */
export type BorrowedEntries = Readonly<Record<CatalogPart, ReadonlySet<string>>>;

const BORROWED = new WeakMap<MessageCatalog, BorrowedEntries>();

/** What `catalog` (made by {@link buildCatalogs}) took from English; undefined when nothing. */
export function borrowedEntries(catalog: MessageCatalog): BorrowedEntries | undefined {
  return BORROWED.get(catalog);
}

/**
 * Merges built-in and user catalogs. A user catalog for a shipped language overrides its
 * entries; a new language falls back to English entry by entry (and remembers which entries it
 * took, so that a body is not said to be in a language it is partly not in).
 */
export function buildCatalogs(user: Record<string, MessageCatalogInput> = {}): Map<string, MessageCatalog> {
  const out = new Map<string, MessageCatalog>();
  for (const [lang, catalog] of Object.entries(BUILT_IN_CATALOGS)) out.set(lang, catalog);
  for (const [lang, input] of Object.entries(user)) {
    const tag = lang.toLowerCase();
    const shipped = out.get(tag);
    const base = shipped ?? EN_CATALOG;
    const merged: MessageCatalog = {
      titles: { ...EN_CATALOG.titles, ...base.titles, ...input.titles },
      details: { ...EN_CATALOG.details, ...base.details, ...input.details },
      labels: { ...EN_CATALOG.labels, ...base.labels, ...input.labels },
      fields: { ...EN_CATALOG.fields, ...base.fields, ...input.fields },
      messages: { ...EN_CATALOG.messages, ...base.messages, ...input.messages },
    };
    // A shipped catalog has every text; a new language has only what its input gives.
    if (shipped === undefined) BORROWED.set(merged, borrowedFrom(input));
    out.set(tag, merged);
  }
  return out;
}

function borrowedFrom(input: MessageCatalogInput): BorrowedEntries {
  const part = (name: CatalogPart): ReadonlySet<string> => {
    const own = (input[name] ?? {}) as Record<string, unknown>;
    return new Set(Object.keys(EN_CATALOG[name]).filter((key) => !Object.hasOwn(own, key)));
  };
  return {
    titles: part('titles'),
    details: part('details'),
    labels: part('labels'),
    fields: part('fields'),
    messages: part('messages'),
  };
}

/**
 * The texts English has that `catalog` does not, as `part.key` (`titles.418`, `fields.isEmail`,
 * `messages.notFound.id`): empty when the catalog is complete. Use it in a test of your own
 * catalog, as Faultline's tests do for Korean.
 *
 * @example
 * expect(missingCatalogKeys(JSON.parse(readFileSync('i18n/faultline.ja.json', 'utf8')))).toEqual([]);
 */
export function missingCatalogKeys(catalog: MessageCatalogInput): string[] {
  const missing: string[] = [];
  for (const part of CATALOG_PARTS) {
    const own = (catalog[part] ?? {}) as Record<string, unknown>;
    for (const key of Object.keys(EN_CATALOG[part])) {
      const text = Object.hasOwn(own, key) ? own[key] : undefined;
      if (typeof text !== 'string' || text === '') missing.push(`${part}.${key}`);
    }
  }
  return missing;
}
