import type { DynamicModule, Provider, Type } from '@nestjs/common';
import { RESOLVED_OPTIONS } from './tokens';

/**
 * One feature's Nest module: its providers, built on the kernel module it imports (the options,
 * the redactor, the failure bus, the signals), and what it exports to the application. The
 * feature's settings, `options[feature]` resolved, are injectable by `runtimeToken`.
 */
export function featureModule(
  module: Type,
  kernel: DynamicModule,
  settings: { feature: string; runtimeToken: string },
  providers: Provider[],
  exports: NonNullable<DynamicModule['exports']> = [],
): DynamicModule {
  const runtime: Provider = {
    provide: settings.runtimeToken,
    useFactory: (o: Record<string, unknown>) => o[settings.feature],
    inject: [RESOLVED_OPTIONS],
  };
  return { module, imports: [kernel], providers: [runtime, ...providers], exports };
}
