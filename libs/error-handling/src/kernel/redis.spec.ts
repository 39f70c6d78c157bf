import { EventEmitter } from 'node:events';
import { pingWhenFirstConnected, type OwnRedis } from './redis';

/** An ioredis-shaped client whose connection the test drives. */
class FakeRedis extends EventEmitter {
  status = 'connecting';
  pings = 0;
  constructor() {
    super();
    // As openRedis does: connection errors are not unhandled `error` events.
    this.on('error', () => undefined);
  }
  ping(): Promise<unknown> {
    this.pings += 1;
    return this.status === 'ready'
      ? Promise.resolve('PONG')
      : Promise.reject(new Error("Stream isn't writeable and enableOfflineQueue options is false"));
  }
  connect(): void {
    this.status = 'ready';
    this.emit('ready');
  }
  fail(message: string): void {
    this.status = 'reconnecting';
    this.emit('error', new Error(message));
  }
}

const pinger = (client: FakeRedis) => pingWhenFirstConnected(client as unknown as OwnRedis);

describe('pingWhenFirstConnected', () => {
  it('waits for the first connection instead of failing while it is being opened', async () => {
    const client = new FakeRedis();
    const answer = pinger(client).ping();
    await Promise.resolve();
    expect(client.pings).toBe(0);
    client.connect();
    await expect(answer).resolves.toBe('PONG');
    expect(client.pings).toBe(1);
  });

  it('shares one wait among the pings that arrive before the connection, and leaves no listener behind', async () => {
    const client = new FakeRedis();
    const { ping } = pinger(client);
    const answers = Array.from({ length: 50 }, () => ping());
    expect(client.listenerCount('error')).toBe(2);
    client.connect();
    await expect(Promise.all(answers)).resolves.toEqual(Array(50).fill('PONG'));
    expect(client.listenerCount('error')).toBe(1);
    expect(client.listenerCount('ready')).toBe(0);
  });

  it("fails with the first connection's error, and waits again on the next ping", async () => {
    const client = new FakeRedis();
    const { ping } = pinger(client);
    const first = ping();
    client.fail('connect ECONNREFUSED');
    await expect(first).rejects.toThrow('connect ECONNREFUSED');
    expect(client.pings).toBe(0);
    const second = ping();
    client.connect();
    await expect(second).resolves.toBe('PONG');
  });

  it('fails at once once the client has connected and then lost Redis', async () => {
    const client = new FakeRedis();
    const { ping } = pinger(client);
    client.connect();
    await expect(ping()).resolves.toBe('PONG');
    client.fail('connection lost');
    client.status = 'connecting';
    await expect(ping()).rejects.toThrow('enableOfflineQueue');
    expect(client.listenerCount('error')).toBe(1);
  });

  it('pings at once a client that is already connected', async () => {
    const client = new FakeRedis();
    client.status = 'ready';
    await expect(pinger(client).ping()).resolves.toBe('PONG');
    expect(client.listenerCount('ready')).toBe(0);
  });
});
