/**
 * The texts of one language: titles by HTTP status, fixed details by error code, and the
 * labels of the HTML and text pages. A user catalog may give only some entries; the rest
 * come from English.
 */
export interface MessageCatalog {
  /** Title by HTTP status, for example `404: 'Not Found'`. */
  titles: Record<number, string>;
  /** Fixed detail by error code, used when the error's own message is not shown. */
  details: Record<string, string>;
  /** Labels used on the HTML and plain-text pages. */
  labels: {
    code: string;
    requestId: string;
    status: string;
    fieldErrors: string;
    debug: string;
  };
}

/** A catalog given in options: any subset of {@link MessageCatalog}. */
export interface MessageCatalogInput {
  titles?: Record<number, string>;
  details?: Record<string, string>;
  labels?: Partial<MessageCatalog['labels']>;
}
