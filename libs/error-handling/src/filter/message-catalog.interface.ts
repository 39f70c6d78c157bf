/** The labels of a catalog: the words around its texts. */
export interface MessageCatalogLabels {
  /** The pages' label of the error code. */
  code: string;
  /** The pages' label of the request id. */
  requestId: string;
  /** The pages' label of the status. */
  status: string;
  /** The pages' heading of the field errors. */
  fieldErrors: string;
  /** The heading of the debug section, in debug mode. */
  debug: string;
  /**
   * What a field text's `{each}` reads when its rule applies to each value of an array
   * (`@IsString({ each: true })`): English `'each value in '` ("each value in tags must be a
   * string"), Korean `'의 각 요소'` ("tags 필드의 각 요소는 문자열이어야 합니다.").
   */
  each: string;
}

/**
 * The texts of one language: titles by HTTP status, fixed details by error code, the labels of
 * the pages, field texts by validation rule, and message texts by message key. A user catalog
 * may give only some entries; the rest come from the shipped catalog of that language, then
 * from English.
 *
 * `fields` and `messages` are templates: `{name}` is replaced by a value of the field error or
 * the error (`'{resource} not found: {id}'`, `'{each}{field} must not be less than {min}'`).
 */
export interface MessageCatalog {
  /** Title by HTTP status, for example `404: 'Not Found'`. */
  titles: Record<number, string>;
  /** Fixed detail by error code, used when the error's own message is not shown. */
  details: Record<string, string>;
  /** Labels used on the HTML and plain-text pages, and the `{each}` phrase of field texts. */
  labels: MessageCatalogLabels;
  /**
   * A field error's `detail` by its message key (the class-validator rule: `isNotEmpty`, `min`,
   * `whitelistValidation`, ...). Placeholders: `{field}`, `{each}` and the rule's own values.
   */
  fields: Record<string, string>;
  /**
   * A shown `detail` by the error's message key (`notFound.id`, `body.notJson`, `http.404`, ...,
   * and keys of the application's own `AppError`s). Placeholders: the error's `messageParams`.
   */
  messages: Record<string, string>;
}

/**
 * A catalog given in options: any subset of {@link MessageCatalog}. In `catalogs` a language may
 * also be given as the path of a JSON file of this shape, which must then have every text English
 * has (see docs/error-responses.md, "Message catalogs").
 */
export interface MessageCatalogInput {
  titles?: Record<number, string>;
  details?: Record<string, string>;
  labels?: Partial<MessageCatalogLabels>;
  fields?: Record<string, string>;
  messages?: Record<string, string>;
}
