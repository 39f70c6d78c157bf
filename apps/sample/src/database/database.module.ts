import {
  type DynamicModule,
  Global,
  Inject,
  Logger,
  Module,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { SampleConfig } from '../sample.config';
import { PgSqlClient } from './pg.client';
import { PgliteSqlClient } from './pglite.client';
import { SCHEMA } from './schema';
import { SqlClient } from './sql-client.interface';

/** Provides the {@link SqlClient}: PostgreSQL when DATABASE_URL is set, else embedded PGlite. */
@Global()
@Module({})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(SqlClient) private readonly sql: SqlClient) {}

  static forRoot(config: SampleConfig): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        {
          provide: SqlClient,
          useFactory: async (): Promise<SqlClient> => {
            const client = config.databaseUrl
              ? new PgSqlClient(config.databaseUrl)
              : await PgliteSqlClient.open(config.pgliteDataDir);
            await client.exec(SCHEMA);
            new Logger('Database').log(
              client.engine === 'postgres'
                ? 'using PostgreSQL'
                : `using PGlite (${config.pgliteDataDir ?? 'in memory'})`,
            );
            return client;
          },
        },
      ],
      exports: [SqlClient],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.sql.close();
  }
}
