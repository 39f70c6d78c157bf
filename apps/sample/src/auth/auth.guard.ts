import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { PermissionDeniedError, UnauthenticatedError } from 'nestjs-faultline';
import type { AuthUser, Role, TokenClaims } from './auth.types';
import { requestOf, ROLES_KEY } from './roles.decorator';

/**
 * Requires `Authorization: Bearer <token>` (401 otherwise) and, where `@Roles()` says so,
 * one of the roles (403 otherwise).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly jwt: JwtService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = requestOf<{ headers: Record<string, string | undefined>; user?: AuthUser }>(context);
    const header = req.headers.authorization;
    const match = header ? /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header) : null;
    if (!match) throw new UnauthenticatedError('A bearer token is required');
    let claims: TokenClaims;
    try {
      claims = await this.jwt.verifyAsync<TokenClaims>(match[1]);
    } catch {
      throw new UnauthenticatedError('The bearer token is invalid or expired');
    }
    req.user = { id: claims.sub, username: claims.username, role: claims.role };
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (roles && !roles.includes(claims.role)) {
      throw new PermissionDeniedError(`This action requires the role: ${roles.join(' or ')}`);
    }
    return true;
  }
}
