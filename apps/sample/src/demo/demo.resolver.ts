import { Query, Resolver } from '@nestjs/graphql';

/** A resolver that fails as a bug would (mounted only with DEMO_FAULTS=1). */
@Resolver()
export class DemoResolver {
  /** An unexpected Error whose message holds internals: `errors[]` gets INTERNAL_ERROR and a fixed message. */
  @Query(() => Boolean, { description: 'Fails with an unexpected error (DEMO_FAULTS=1 only)' })
  demoBoom(): boolean {
    throw new Error('Kaboom: db password=hunter2 failed at /srv/app/src/secret-module.ts:42');
  }
}
