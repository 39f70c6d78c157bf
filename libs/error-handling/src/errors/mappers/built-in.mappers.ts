import type { ExceptionMapper, MappedError } from '../exception-mapper.interface';
import { appErrorMapper } from './app-error.mapper';
import { mapBodyParserError } from './body-parser.mapper';
import { mapFastifyError } from './fastify.mapper';
import { httpExceptionMapper } from './http-exception.mapper';
import { mapPrismaError, mapTypeOrmError } from './orm.mapper';
import { mapDependencyError } from './dependency.mapper';
import { mapSqlStateError } from './sql-state.mapper';
import { mapTransportException } from './transport-exception.mapper';

/**
 * The catch-all for `Error`: libraries Faultline recognises without depending on them
 * (body-parser, Fastify's request errors, a dependency that cannot be reached, PostgreSQL,
 * TypeORM, Prisma, the transports' own RpcException, WsException and GraphQLError), by `name` /
 * `code` / `type`.
 * Anything else resolves to 500 `INTERNAL_ERROR` in the registry.
 */
export const errorMapper: ExceptionMapper<Error> = {
  type: Error,
  map: (e): MappedError | undefined =>
    mapBodyParserError(e) ??
    mapFastifyError(e) ??
    mapDependencyError(e) ??
    mapSqlStateError(e) ??
    mapTypeOrmError(e) ??
    mapPrismaError(e) ??
    mapTransportException(e),
};

/** Every built-in mapper, most specific first. */
export const BUILT_IN_MAPPERS: readonly ExceptionMapper[] = [
  appErrorMapper,
  httpExceptionMapper,
  errorMapper,
];
