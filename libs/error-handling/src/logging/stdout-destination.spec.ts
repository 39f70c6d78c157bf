import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino, { type DestinationStream } from 'pino';
import { rememberChunkLength } from './stdout-destination';

type Sonic = DestinationStream & {
  _bufs: string[];
  _len: number;
  flush(cb?: (err?: Error) => void): void;
  end(): void;
  once(event: string, listener: () => void): void;
};

/** Ends the stream and waits until everything is written and the file closed. */
function closed(stream: Sonic): Promise<void> {
  return new Promise((resolve) => {
    stream.once('close', resolve);
    stream.end();
  });
}

describe('rememberChunkLength', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'faultline-dest-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function fileDestination(
    options: { maxWrite?: number } = {},
  ): Promise<{ stream: Sonic; path: string }> {
    const path = join(dir, 'out.log');
    const stream = pino.destination({ dest: path, sync: false, ...options }) as unknown as Sonic;
    await new Promise<void>((resolve) => stream.once('ready', resolve));
    return { stream, path };
  }

  /** Lines of many lengths, some with multi-byte characters. */
  const lines = Array.from(
    { length: 3000 },
    (_, i) =>
      `{"n":${i},"msg":"${'é'.repeat(i % 7)}${'x'.repeat((i * 37) % 900)}${i % 11 === 0 ? '🙂' : ''}"}\n`,
  );

  it('writes every line, whole and in order, when lines pile up during a write', async () => {
    const { stream, path } = await fileDestination();
    expect(rememberChunkLength(stream)).toBe(true);
    // One burst: everything after the first line arrives while a write is in flight.
    for (const line of lines) stream.write(line);
    await closed(stream);
    expect(readFileSync(path, 'utf8')).toBe(lines.join(''));
  });

  it('writes each line at once in sync mode', () => {
    const path = join(dir, 'sync.log');
    const stream = pino.destination({ dest: path, sync: true }) as unknown as Sonic;
    expect(rememberChunkLength(stream)).toBe(true);
    for (const line of lines.slice(0, 500)) stream.write(line);
    expect(readFileSync(path, 'utf8')).toBe(lines.slice(0, 500).join(''));
    stream.end();
  });

  it('keeps each buffered chunk within maxWrite bytes, as sonic-boom does', async () => {
    const { stream } = await fileDestination({ maxWrite: 4096 });
    rememberChunkLength(stream);
    for (const line of lines) stream.write(line);
    const sizes = stream._bufs.map((chunk) => Buffer.byteLength(chunk));
    expect(sizes.length).toBeGreaterThan(10);
    for (const size of sizes) expect(size).toBeLessThanOrEqual(4096);
    // Filled, not one line a chunk: every chunk but the last has no room for the longest line.
    const longest = Math.max(...lines.map((l) => Buffer.byteLength(l)));
    for (const size of sizes.slice(0, -1)) expect(size).toBeGreaterThan(4096 - longest);
    await closed(stream);
  });

  it('measures only the new line, not the chunk it is added to', async () => {
    const { stream } = await fileDestination();
    rememberChunkLength(stream);
    const longest = Math.max(...lines.map((l) => l.length));
    const measured: number[] = [];
    const original = Buffer.byteLength.bind(Buffer);
    const byteLength = jest
      .spyOn(Buffer, 'byteLength')
      .mockImplementation((...args: Parameters<typeof Buffer.byteLength>) => {
        if (typeof args[0] === 'string') measured.push(args[0].length);
        return original(...args);
      });
    try {
      for (const line of lines) stream.write(line);
    } finally {
      byteLength.mockRestore();
    }
    expect(measured.length).toBeGreaterThanOrEqual(lines.length);
    expect(Math.max(...measured)).toBeLessThanOrEqual(longest);
    await closed(stream);
  });

  it('measures a chunk that something else put in the buffer instead of trusting its own count', async () => {
    const { stream, path } = await fileDestination({ maxWrite: 4096 });
    rememberChunkLength(stream);
    // The first line goes out at once; the rest wait in the buffer while it is written.
    stream.write(lines[1]);
    stream.write(lines[2]);
    const foreign = `${'f'.repeat(4000)}\n`;
    stream._bufs.push(foreign);
    stream._len += Buffer.byteLength(foreign);
    for (const line of lines.slice(3, 200)) stream.write(line);
    for (const chunk of stream._bufs) expect(Buffer.byteLength(chunk)).toBeLessThanOrEqual(4096);
    await closed(stream);
    expect(readFileSync(path, 'utf8')).toBe(
      lines.slice(1, 3).join('') + foreign + lines.slice(3, 200).join(''),
    );
  });

  it('leaves a destination of another kind as it is', () => {
    const writable = new Writable({ write: (_chunk, _enc, done) => done() });
    const write = writable.write;
    expect(rememberChunkLength(writable as unknown as DestinationStream)).toBe(false);
    expect(writable.write).toBe(write);
    const plain = { write: () => undefined };
    expect(rememberChunkLength(plain)).toBe(false);
  });
});
