import type { ModuleRef, ModulesContainer } from '@nestjs/core';
import { FaultlineConfigError } from '../kernel/faultline-config.error';
import type { TypeOrmDataSourceLike } from './builtin-checks';

/**
 * The provider tokens of TypeORM's default data source: `@nestjs/typeorm` (9 and later)
 * registers it under TypeORM's `DataSource` class, earlier versions under `Connection`.
 */
const DATA_SOURCE_CLASS_NAMES = ['DataSource', 'Connection'];

/**
 * Finds the application's default TypeORM data source, the one `TypeOrmModule.forRoot()`
 * registers, by the name of its provider token. Matching by name rather than by the class means
 * Faultline never loads typeorm or @nestjs/typeorm (they stay out of its dependencies), and it
 * finds the class the application loaded, whichever copy or module format that was.
 *
 * @throws FaultlineConfigError (`health.database.typeorm`) when the application has none.
 */
export function findTypeOrmDataSource(
  modules: ModulesContainer,
  moduleRef: ModuleRef,
): TypeOrmDataSourceLike {
  for (const className of DATA_SOURCE_CLASS_NAMES) {
    for (const module of modules.values()) {
      for (const token of module.providers.keys()) {
        if (typeof token !== 'function' || token.name !== className) continue;
        const instance = singletonOf(moduleRef, token);
        if (isDataSource(instance)) return instance;
      }
    }
  }
  throw new FaultlineConfigError(
    'health.database.typeorm',
    'needs a TypeORM data source in the application, and none was found',
    'Install @nestjs/typeorm and typeorm and import TypeOrmModule.forRoot(), or pass health.database.executor',
  );
}

/** The instance of `token`, or undefined for one Nest cannot hand out statically (request-scoped). */
function singletonOf(moduleRef: ModuleRef, token: Parameters<ModuleRef['get']>[0]): unknown {
  try {
    return moduleRef.get(token, { strict: false });
  } catch {
    return undefined;
  }
}

function isDataSource(value: unknown): value is TypeOrmDataSourceLike {
  return (
    typeof value === 'object' && value !== null && typeof (value as { query?: unknown }).query === 'function'
  );
}
