import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ModulesContainer } from '@nestjs/core';
import type { LoggerOptions } from 'pino';
import { RequestTap } from '../kernel/request-tap';
import { Signals } from '../kernel/signals';
import { Redactor } from '../redaction/redactor';
import { createLoggingRuntime, type LoggingRuntime } from './logging-runtime';
import { TEST_LOGGING_PEERS } from './logging-runtime.testing';
import { resolveLogging, type ResolvedLogging } from './resolve-logging-options';

/** Every line as written. */
class RawLines {
  readonly lines: string[] = [];
  write(chunk: string): void {
    for (const line of chunk.split('\n')) if (line !== '') this.lines.push(line);
  }
}

function runtimeWith(sink: RawLines, pino: LoggerOptions = {}): LoggingRuntime {
  const logging = resolveLogging(
    { format: 'json', destination: sink, useAsNestLogger: false, pino },
    true,
  ) as ResolvedLogging;
  return createLoggingRuntime(
    logging,
    new Redactor(),
    'X-Request-Id',
    new Map() as unknown as ModulesContainer,
    new RequestTap(),
    new Signals(),
    TEST_LOGGING_PEERS,
  );
}

/** A Node server behind Faultline's request middleware, answering every request with `status`. */
async function serve(runtime: LoggingRuntime, status: number): Promise<Server> {
  const middleware = runtime.lines.middleware(runtime.root);
  const server = createServer((req, res) =>
    middleware(req, res, () => {
      res.statusCode = status;
      res.end('done');
    }),
  );
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server;
}

/** Sends one request and waits until its request line is written. */
async function requestLine(runtime: LoggingRuntime, sink: RawLines, status: number): Promise<string> {
  const server = await serve(runtime, status);
  try {
    const { port } = server.address() as AddressInfo;
    const res = await fetch(`http://127.0.0.1:${port}/items/42?page=2`);
    await res.text();
    while (sink.lines.length === 0) await new Promise((resolve) => setImmediate(resolve));
    return sink.lines[0];
  } finally {
    server.close();
  }
}

describe('the request line', () => {
  it('is written from one serialisation of its fields, framed as pino frames a line', async () => {
    const sink = new RawLines();
    const runtime = runtimeWith(sink);
    const write = jest.spyOn(runtime.serialisedLines!, 'write');

    const line = await requestLine(runtime, sink, 503);

    expect(write).toHaveBeenCalledTimes(1);
    const json = write.mock.results[0].value as string;
    const fields = JSON.parse(json) as Record<string, unknown>;
    expect(fields).toMatchObject({ method: 'GET', url: '/items/42?page=2', status: 503 });
    expect(fields.err).toMatchObject({ type: 'Error', message: 'failed with status code 503' });
    // Level, time and bindings first, then the fields as serialised, then the message: pino's order.
    expect(line).toMatch(/^\{"level":50,"time":\d+,"pid":\d+,"hostname":"[^"]*","requestId":"[^"]+",/);
    expect(line.endsWith(`,${json.slice(1, -1)},"msg":"request failed"}`)).toBe(true);
  });

  it("goes through pino's own serialisation when a serializer may change one of its fields", async () => {
    const sink = new RawLines();
    const runtime = runtimeWith(sink, { serializers: { url: () => '[url]' } });
    const write = jest.spyOn(runtime.serialisedLines!, 'write');

    const line = JSON.parse(await requestLine(runtime, sink, 200)) as Record<string, unknown>;

    expect(write.mock.results[0].value).toBeUndefined();
    expect(line).toMatchObject({ method: 'GET', url: '[url]', status: 200, msg: 'request completed' });
  });
});
