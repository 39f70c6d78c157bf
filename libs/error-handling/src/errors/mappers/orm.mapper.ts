import { keyedMessage } from '../error-messages';
import type { MappedError } from '../exception-mapper.interface';
import { safeGet, safeString } from '../../kernel/safe-access';
import { mapSqlStateError } from './sql-state.mapper';

/**
 * TypeORM errors by `name` (no dependency on TypeORM): `EntityNotFoundError` -> 404;
 * `QueryFailedError` -> by its driver error. TypeORM's messages quote criteria and SQL, so
 * they are not shown.
 */
export function mapTypeOrmError(error: unknown): MappedError | undefined {
  switch (safeString(error, 'name')) {
    case 'EntityNotFoundError':
      return { status: 404, code: 'NOT_FOUND', ...keyedMessage('db.notFound') };
    case 'QueryFailedError':
      return mapSqlStateError(safeGet(error, 'driverError'));
    default:
      return undefined;
  }
}

const PRISMA_KNOWN: Readonly<Record<string, MappedError>> = {
  P2025: { status: 404, code: 'NOT_FOUND', ...keyedMessage('db.notFound') },
  P2002: { status: 409, code: 'CONFLICT', ...keyedMessage('db.duplicate') },
  P2003: { status: 409, code: 'CONFLICT', ...keyedMessage('db.referenceMissing') },
};

/**
 * Prisma errors by `name` and `code`: `P2025` -> 404, `P2002` / `P2003` -> 409 (a database it
 * cannot reach is mapped before this one, by mapDependencyError). Prisma's messages quote the
 * query, so they are not shown.
 */
export function mapPrismaError(error: unknown): MappedError | undefined {
  const name = safeString(error, 'name');
  if (name === 'PrismaClientKnownRequestError') {
    const code = safeString(error, 'code');
    return code && Object.hasOwn(PRISMA_KNOWN, code) ? PRISMA_KNOWN[code] : undefined;
  }
  return undefined;
}
