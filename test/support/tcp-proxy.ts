import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of a server (PostgreSQL, Redis) that a test can break:
 * - `cut()`: every connection is destroyed and new ones are refused (destroyed on accept);
 * - `loseReplies()`: statements still reach the server (and commit), but the connection is
 *   destroyed as soon as the server answers, so the client sees a failure for a write that landed;
 * - `hold()`: new connections are accepted but not passed on, so the client is still connecting;
 * - `restore()`: back to normal, passing on the connections held.
 */
export class FlakyProxy {
  private mode: 'open' | 'cut' | 'lose-replies' | 'hold' = 'open';
  private readonly sockets = new Set<Socket>();
  private held: Socket[] = [];
  private onHeld: (() => void) | undefined;
  private readonly server: Server = createServer((client) => this.accept(client));
  /** The port the proxy listens on, once started. */
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  /** A started proxy in front of the server `url` names (on PostgreSQL's or Redis's default port when it names none). */
  static inFrontOf(url: string): Promise<FlakyProxy> {
    const u = new URL(url);
    const port = Number(u.port || (u.protocol.startsWith('redis') ? 6379 : 5432));
    return new FlakyProxy({ host: u.hostname, port }).start();
  }

  /** `url` (of the server the proxy is in front of) with the proxy's address instead. */
  via(url: string): string {
    const u = new URL(url);
    u.hostname = '127.0.0.1';
    u.port = String(this.port);
    return u.toString();
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  cut(): void {
    this.mode = 'cut';
    this.destroyAll();
  }

  loseReplies(): void {
    this.mode = 'lose-replies';
  }

  hold(): void {
    this.mode = 'hold';
  }

  /** Resolves once a connection is being held. */
  holding(): Promise<void> {
    if (this.held.length > 0) return Promise.resolve();
    return new Promise<void>((resolve) => (this.onHeld = resolve));
  }

  restore(): void {
    this.mode = 'open';
    const held = this.held;
    this.held = [];
    for (const client of held) if (!client.destroyed) this.pass(client);
  }

  async close(): Promise<void> {
    this.mode = 'cut';
    this.destroyAll();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    if (this.mode === 'cut') {
      client.destroy();
      return;
    }
    if (this.mode === 'hold') {
      this.held.push(client);
      client.pause();
      // A client that gives up while held must not crash the test with an unhandled error.
      client.on('error', () => client.destroy());
      this.onHeld?.();
      this.onHeld = undefined;
      return;
    }
    this.pass(client);
  }

  private pass(client: Socket): void {
    const upstream = connect(this.target.port, this.target.host);
    const both = [client, upstream];
    const teardown = () => both.forEach((s) => s.destroy());
    for (const s of both) {
      this.sockets.add(s);
      s.on('error', teardown);
      s.on('close', () => {
        this.sockets.delete(s);
        teardown();
      });
    }
    client.on('data', (chunk) => upstream.write(chunk));
    client.resume();
    upstream.on('data', (chunk) => {
      if (this.mode === 'open') client.write(chunk);
      else teardown();
    });
  }

  private destroyAll(): void {
    for (const s of [...this.sockets, ...this.held]) s.destroy();
    this.sockets.clear();
    this.held = [];
  }
}
