import { safeGet } from './safe-access';

/**
 * What Faultline reads of a GraphQL resolver's arguments (root, args, context, info) without
 * depending on any GraphQL package.
 */

/** The HTTP request of a GraphQL context (`req`, as @nestjs/apollo puts on every context). */
export function contextRequest(contextValue: unknown): object | undefined {
  const req = safeGet(contextValue, 'req') ?? safeGet(contextValue, 'request');
  return req !== null && typeof req === 'object' ? req : undefined;
}

/** `Type.field` of a resolver's info: a name the schema gives, never the client. */
export function graphqlField(info: unknown): string {
  const type = safeGet(safeGet(info, 'parentType'), 'name');
  const field = safeGet(info, 'fieldName');
  return `${typeof type === 'string' ? type : 'Unknown'}.${typeof field === 'string' ? field : 'unknown'}`;
}
