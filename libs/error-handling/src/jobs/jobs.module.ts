import { type DynamicModule, Module } from '@nestjs/common';
import { Jobs } from './jobs.service';

/** Work no request owns, run with a context and failure handling of its own: always loaded. */
@Module({})
export class JobsModule {
  static register(kernel: DynamicModule): DynamicModule {
    return { module: JobsModule, imports: [kernel], providers: [Jobs], exports: [Jobs] };
  }
}
