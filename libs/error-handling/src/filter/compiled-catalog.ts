import { compileTemplate, type CompiledTemplate } from '../errors/message-template';
import type { MessageCatalog } from './message-catalog.interface';
import { borrowedEntries, type BorrowedEntries, type CatalogPart } from './message-catalogs';

const NOTHING_BORROWED: ReadonlySet<string> = new Set();

/**
 * One language's catalog as the problem builder uses it on every error answer: its `fields` and
 * `messages` templates compiled once, at start-up, and which of its entries are its language's
 * own (a new language takes what its catalog lacks from English, and a text taken so is not in
 * that language).
 */
export class CompiledCatalog {
  /** Field texts by message key, compiled. */
  readonly fields: ReadonlyMap<string, CompiledTemplate>;
  /** Message texts by message key, compiled. */
  readonly messages: ReadonlyMap<string, CompiledTemplate>;
  /** The placeholders of a field text when its rule applies to each value, and when it does not. */
  readonly each: {
    readonly yes: Readonly<Record<string, string>>;
    readonly no: Readonly<Record<string, string>>;
  };
  private readonly borrowed: BorrowedEntries | undefined;

  constructor(readonly catalog: MessageCatalog) {
    this.fields = compileAll(catalog.fields);
    this.messages = compileAll(catalog.messages);
    this.each = { yes: { each: catalog.labels.each }, no: { each: '' } };
    this.borrowed = borrowedEntries(catalog);
  }

  /** Whether the catalog's entry `key` of `part` is in its own language (not taken from English). */
  owns(part: CatalogPart, key: string | number): boolean {
    if (this.borrowed === undefined) return true;
    return !(this.borrowed[part] ?? NOTHING_BORROWED).has(String(key));
  }
}

function compileAll(texts: Record<string, string>): ReadonlyMap<string, CompiledTemplate> {
  const out = new Map<string, CompiledTemplate>();
  for (const [key, text] of Object.entries(texts)) out.set(key, compileTemplate(text));
  return out;
}
