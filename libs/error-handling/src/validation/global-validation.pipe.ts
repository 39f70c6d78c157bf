import {
  type ArgumentMetadata,
  Logger,
  type OnApplicationBootstrap,
  type PipeTransform,
  ValidationPipe,
} from '@nestjs/common';
import type { ApplicationConfig } from '@nestjs/core';

/**
 * The global pipe the module registers (`APP_PIPE`): Faultline's validation pipe, which steps
 * aside when the application has a validation pipe of its own. Two would both run, Faultline's
 * first: a body the application's pipe strips of unknown fields would be rejected, and its 422
 * answered as Faultline's 400. So when `validation` was left unset and, once the application is
 * set up, another global pipe is a `ValidationPipe` (Nest's, a subclass, or a class named so:
 * `app.useGlobalPipes(new ValidationPipe(...))` or an `APP_PIPE` provider), Faultline's passes
 * values through untouched, and one line says so. With `validation` set, both run, and a
 * warning says so.
 */
export class GlobalValidationPipe implements PipeTransform, OnApplicationBootstrap {
  private active: boolean;

  constructor(
    /** Faultline's pipe, or undefined when validation is off. */
    private readonly pipe: PipeTransform | undefined,
    private readonly config: ApplicationConfig,
    /** True when `validation` was set in the options (not left to its default). */
    private readonly explicit: boolean,
  ) {
    this.active = pipe !== undefined;
  }

  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    return this.active ? (this.pipe as PipeTransform).transform(value, metadata) : value;
  }

  /** The application's global pipes are all registered by now (main.ts, APP_PIPE providers). */
  onApplicationBootstrap(): void {
    if (!this.active) return;
    const own = this.config.getGlobalPipes().find((p) => p !== this && isValidationPipe(p));
    if (own === undefined) return;
    const name = describe(own);
    const logger = new Logger('Faultline');
    if (this.explicit) {
      logger.warn(
        `validation: the application registers its own global ${name} and validation is set: both run, ` +
          "Faultline's first. Set validation: false to leave validation to the application's pipe",
      );
      return;
    }
    this.active = false;
    logger.log(
      `validation: the application registers its own global ${name}, so Faultline's validation pipe ` +
        "steps aside (its errors are still answered by Faultline's filter). Set validation: false to " +
        "say so, or validation: { ... } to run Faultline's as well",
    );
  }

  /** True while Faultline's pipe validates (false once it stepped aside). */
  get validating(): boolean {
    return this.active;
  }
}

function isValidationPipe(pipe: unknown): boolean {
  if (pipe instanceof ValidationPipe) return true;
  return /ValidationPipe$/.test(describe(pipe));
}

function describe(pipe: unknown): string {
  const ctor = (pipe as { constructor?: { name?: unknown } } | null)?.constructor;
  return typeof ctor?.name === 'string' && ctor.name !== '' ? ctor.name : 'validation pipe';
}
