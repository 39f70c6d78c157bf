import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { ErrorHandlingModuleOptions } from './error-handling.options';

export const {
  ConfigurableModuleClass: ConfigurableErrorHandlingModule,
  MODULE_OPTIONS_TOKEN: ERROR_HANDLING_MODULE_OPTIONS,
  OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<ErrorHandlingModuleOptions>({ moduleName: 'ErrorHandling' })
  .setClassMethodName('forRoot')
  .setExtras({ isGlobal: true }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();
