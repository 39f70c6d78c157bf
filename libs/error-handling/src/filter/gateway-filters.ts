import { Injectable } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { classesOf, FILTERS_KEY, prependEnhancer } from '../kernel/enhancers';
import { ProblemDetailsFilter } from './problem-details.filter';

/**
 * `GATEWAY_METADATA` of `@nestjs/websockets/constants`, the key `@WebSocketGateway()` sets on its
 * class: by its value, so that the library does not depend on @nestjs/websockets.
 */
const GATEWAY_METADATA = 'websockets:is_gateway';

/**
 * Puts the exception filter on every WebSocket gateway of the application. Nest's global filters
 * (`APP_FILTER`, `useGlobalFilters`) do not reach gateways: @nestjs/websockets builds a gateway's
 * filters from its class and handler metadata only. So the filter goes into the gateway class's
 * `@UseFilters()` metadata, first in the list: Nest tries the last-listed filters first, so a
 * filter the application put on the gateway or on a handler keeps precedence for what it catches.
 *
 * It works in its constructor, which runs while Nest creates the application's providers:
 * before `app.init()` connects the gateways and reads their filter metadata.
 */
@Injectable()
export class GatewayFilters {
  /** The gateway classes the filter was put on (for tests and diagnostics). */
  readonly gateways: readonly (abstract new (...args: never[]) => unknown)[];

  constructor(modules: ModulesContainer, filter: ProblemDetailsFilter) {
    const gateways: (abstract new (...args: never[]) => unknown)[] = [];
    for (const type of classesOf(modules, 'providers')) {
      if (Reflect.getMetadata(GATEWAY_METADATA, type) !== true) continue;
      dropOtherInstances(type, filter);
      prependEnhancer(FILTERS_KEY, filter, type);
      gateways.push(type);
    }
    this.gateways = gateways;
  }
}

/**
 * Metadata belongs to the class, which every application of the process shares (a test file
 * starts several): the filter of an application created before this one comes off, or it, listed
 * after this one's, would be tried first and answer with that application's logger and metrics.
 * A gateway connected already keeps the filters it read at its connection.
 */
function dropOtherInstances(type: object, filter: ProblemDetailsFilter): void {
  const list = Reflect.getMetadata(FILTERS_KEY, type) as unknown[] | undefined;
  if (!list?.some((f) => f instanceof ProblemDetailsFilter && f !== filter)) return;
  Reflect.defineMetadata(
    FILTERS_KEY,
    list.filter((f) => !(f instanceof ProblemDetailsFilter) || f === filter),
    type,
  );
}
