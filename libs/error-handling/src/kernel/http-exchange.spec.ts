import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import {
  httpPlatform,
  isFastifyLifecycleLine,
  linkPlatformRequest,
  nodeRequest,
  nodeResponse,
  platformErrorOf,
  platformRequest,
  routeTemplate,
} from './http-exchange';

/** A Node request and a Fastify-shaped request wrapping it. */
function fastifyPair(url?: string) {
  const raw = { url: '/items/1', headers: {} } as Record<string | symbol, unknown>;
  const request = { raw, routeOptions: { url }, user: { id: 7 } };
  return { raw, request };
}

describe('http-exchange', () => {
  it("recognises Fastify's lines about how a request ended, by their message and the reply they carry", () => {
    const res = new ServerResponse(new IncomingMessage(new Socket()));
    const reply = { raw: res, request: {} };
    // Fastify 5.10 and later give the reply; earlier versions the Node response, for a premature close.
    expect(isFastifyLifecycleLine({ res: reply, responseTime: 3 }, 'request completed')).toBe(true);
    expect(isFastifyLifecycleLine({ res: reply, err: new Error('x') }, 'request errored')).toBe(true);
    expect(isFastifyLifecycleLine({ res: reply }, 'stream closed prematurely')).toBe(true);
    expect(isFastifyLifecycleLine({ res }, 'stream closed prematurely')).toBe(true);
    // What else Fastify says on the reply's logger, and the application's own lines, are kept.
    expect(isFastifyLifecycleLine({ err: new Error('EIO') }, 'response terminated with an error')).toBe(
      false,
    );
    expect(isFastifyLifecycleLine({ res: { status: 200 } }, 'request completed')).toBe(false);
    expect(isFastifyLifecycleLine({ res: reply }, 'order shipped')).toBe(false);
    expect(isFastifyLifecycleLine('request completed', undefined)).toBe(false);
  });

  it('names the platforms Faultline tells apart', () => {
    expect(httpPlatform('express')).toBe('express');
    expect(httpPlatform('fastify')).toBe('fastify');
    expect(httpPlatform('h3')).toBe('other');
    expect(httpPlatform(undefined)).toBe('other');
  });

  it("finds the Node request and response under Fastify's, and keeps Express's as they are", () => {
    const { raw, request } = fastifyPair();
    expect(nodeRequest(request)).toBe(raw);
    const express = { url: '/x', route: { path: '/x' } };
    expect(nodeRequest(express)).toBe(express);
    const res = { setHeader: () => undefined };
    expect(nodeResponse({ raw: res })).toBe(res);
    expect(nodeResponse(res)).toBe(res);
    expect(nodeResponse({ nothing: true })).toBeUndefined();
    expect(nodeResponse(null)).toBeUndefined();
  });

  it('reads the route template of either platform, and of a Node request once linked', () => {
    expect(routeTemplate({ route: { path: '/notifications/:id/read' } })).toBe('/notifications/:id/read');
    expect(routeTemplate({ route: { path: '/{*path}' } })).toBeUndefined();
    const { raw, request } = fastifyPair('/items/:id');
    expect(routeTemplate(request)).toBe('/items/:id');
    expect(routeTemplate(raw)).toBeUndefined();
    linkPlatformRequest(request);
    expect(platformRequest(raw)).toBe(request);
    expect(platformRequest(request)).toBe(request);
    expect(routeTemplate(raw)).toBe('/items/:id');
    // Fastify's not-found route has no url.
    const unmatched = fastifyPair(undefined);
    linkPlatformRequest(unmatched.request);
    expect(routeTemplate(unmatched.raw)).toBeUndefined();
  });

  it("reads Fastify's routeOptions getter, which builds a new object each time, once per template", () => {
    let reads = 0;
    const raw = { url: '/items/1', headers: {} };
    const request = {
      raw,
      get routeOptions() {
        reads++;
        return { url: '/items/:id', method: 'GET' };
      },
    };
    linkPlatformRequest(request);
    expect(routeTemplate(raw)).toBe('/items/:id');
    expect(routeTemplate(request)).toBe('/items/:id');
    expect(reads).toBe(2);
  });

  it("tells Node's own request and response (Express's) by their class, without reading an absent `raw`", () => {
    const req = new IncomingMessage(new Socket());
    const res = new ServerResponse(req);
    let reads = 0;
    for (const target of [req, res]) {
      Object.defineProperty(target, 'raw', {
        get: () => {
          reads++;
          return undefined;
        },
      });
    }
    expect(nodeRequest(req)).toBe(req);
    expect(nodeResponse(res)).toBe(res);
    expect(platformRequest(req)).toBe(req);
    expect(reads).toBe(0);
  });

  it('reads no link on a request until a platform request has been linked in the process', () => {
    const flag = Symbol.for('faultline.platformRequestLinked');
    const global = globalThis as { [flag]?: true };
    const saved = global[flag];
    delete global[flag];
    try {
      let reads = 0;
      const req = new IncomingMessage(new Socket());
      Object.defineProperty(req, Symbol.for('faultline.platformRequest'), {
        configurable: true,
        get: () => {
          reads++;
          return undefined;
        },
      });
      expect(platformRequest(req)).toBe(req);
      expect(reads).toBe(0);
      // Once one is linked (by any copy of Faultline: the flag is on the global object), every
      // request is looked up.
      linkPlatformRequest(fastifyPair().request);
      expect(global[flag]).toBe(true);
      expect(platformRequest(req)).toBe(req);
      expect(reads).toBe(1);
    } finally {
      if (saved === undefined) delete global[flag];
      else global[flag] = saved;
    }
  });

  it('has no platform error for a request Fastify raised none for', () => {
    expect(platformErrorOf({})).toBeUndefined();
  });
});
