import { Catch, type ExceptionFilter, Injectable, UseFilters } from '@nestjs/common';
import type { ModulesContainer } from '@nestjs/core';
import { WebSocketGateway } from '@nestjs/websockets';
import { FILTERS_KEY } from '../kernel/enhancers';
import { GatewayFilters } from './gateway-filters';
import { ProblemDetailsFilter } from './problem-details.filter';

class RoomClosedError extends Error {}

@Catch(RoomClosedError)
class RoomClosedFilter implements ExceptionFilter {
  catch(): void {}
}

/** A filter instance as Nest would make it (its dependencies play no part here). */
const filterInstance = (): ProblemDetailsFilter =>
  Object.create(ProblemDetailsFilter.prototype) as ProblemDetailsFilter;

/** A ModulesContainer of one module providing `types` as class providers. */
function modulesOf(...types: (new () => unknown)[]): ModulesContainer {
  const providers = new Map(types.map((type) => [type, { metatype: type, inject: undefined }]));
  return new Map([['AppModule', { providers }]]) as unknown as ModulesContainer;
}

const filtersOf = (type: object): unknown[] => (Reflect.getMetadata(FILTERS_KEY, type) as unknown[]) ?? [];

describe('GatewayFilters', () => {
  it("puts the filter first on a gateway's class, before the application's own filters", () => {
    const own = new RoomClosedFilter();
    @WebSocketGateway()
    @UseFilters(own)
    class ChatGateway {}
    const filter = filterInstance();
    const found = new GatewayFilters(modulesOf(ChatGateway), filter);
    // Nest tries the last-listed first: the application's filter, then Faultline's.
    expect(filtersOf(ChatGateway)).toEqual([filter, own]);
    expect(found.gateways).toEqual([ChatGateway]);
  });

  it('leaves providers that are not gateways alone', () => {
    @Injectable()
    class Mailer {}
    new GatewayFilters(modulesOf(Mailer), filterInstance());
    expect(Reflect.getMetadata(FILTERS_KEY, Mailer)).toBeUndefined();
  });

  it('adds the filter once however often it runs', () => {
    @WebSocketGateway()
    class ChatGateway {}
    const filter = filterInstance();
    new GatewayFilters(modulesOf(ChatGateway), filter);
    new GatewayFilters(modulesOf(ChatGateway), filter);
    expect(filtersOf(ChatGateway)).toEqual([filter]);
  });

  it("replaces an earlier application's filter on a class they share, keeping the application's own", () => {
    const own = new RoomClosedFilter();
    @WebSocketGateway()
    @UseFilters(own)
    class ChatGateway {}
    const first = filterInstance();
    const second = filterInstance();
    new GatewayFilters(modulesOf(ChatGateway), first);
    new GatewayFilters(modulesOf(ChatGateway), second);
    expect(filtersOf(ChatGateway)).toEqual([second, own]);
  });
});
