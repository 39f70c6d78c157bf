/** The result of one statement. */
export interface SqlResult<T> {
  rows: T[];
  /** Rows inserted, updated or deleted (or returned, for SELECT). */
  rowCount: number;
}

/**
 * The one small SQL interface the sample app uses, over PGlite or PostgreSQL (`pg`).
 * Both speak the same dialect; parameters are `$1`, `$2`, ...
 */
export interface SqlClient {
  /** Which engine is behind it, for logs. */
  readonly engine: 'pglite' | 'postgres';
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<SqlResult<T>>;
  /** Runs several statements separated by semicolons, without parameters. */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

/** Injection token of the {@link SqlClient}. */
export const SqlClient = 'SAMPLE:SqlClient';
