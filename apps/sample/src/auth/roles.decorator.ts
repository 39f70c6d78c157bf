import { SetMetadata, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AuthUser, Role } from './auth.types';

export const ROLES_KEY = 'sample:roles';

/** Restricts a route to the given roles (checked by the auth guard). */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/** The authenticated caller. */
export const CurrentUser = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): AuthUser => requestOf<{ user: AuthUser }>(ctx).user,
);

/** The HTTP request of a route, or of a GraphQL resolver (its context's `req`). */
export function requestOf<T>(ctx: ExecutionContext): T {
  if (ctx.getType<string>() === 'graphql') return ctx.getArgByIndex<{ req: T }>(2).req;
  return ctx.switchToHttp().getRequest<T>();
}
