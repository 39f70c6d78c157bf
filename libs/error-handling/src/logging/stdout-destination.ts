import pino, { type DestinationStream } from 'pino';

/** The parts of a sonic-boom stream (pino's destination) in text mode that its `write` uses. */
interface SonicBoomText {
  write(data: string): boolean;
  emit(event: 'drop', data: string): boolean;
  destroyed: boolean;
  _bufs: unknown[];
  _len: number;
  _hwm: number;
  _writing: boolean;
  _writingBuf: unknown;
  _actualWrite(): void;
  minLength: number;
  maxLength: number;
  maxWrite: number;
}

/**
 * pino's destination on standard output, as `pino.destination({ dest: 1, sync })` makes it, with
 * one cost taken out of each line.
 *
 * sonic-boom measures its last buffered chunk with `Buffer.byteLength` on every write. Under
 * load, while a write is in flight, that chunk is a string of up to `maxWrite` (16 KiB) built by
 * concatenation, so each measure flattens (copies) all of it: in a loop of audit events it was
 * about 9 KB of garbage a line, more than the line itself. The `write` put in its place does
 * what sonic-boom's does, and remembers the byte length of the chunk it built last; a chunk it
 * did not build (sonic-boom's `flush()` pushes one) is measured as before. A stream that does not
 * have the shape this relies on is left as it is.
 */
export function stdoutDestination(sync: boolean): DestinationStream {
  const stream = pino.destination({ dest: 1, sync });
  rememberChunkLength(stream);
  return stream;
}

/** Puts the length-remembering `write` on a sonic-boom stream in text mode; false if it is not one. */
export function rememberChunkLength(destination: DestinationStream): boolean {
  const stream = destination as unknown as Partial<SonicBoomText>;
  const textMode =
    Array.isArray(stream._bufs) &&
    typeof stream._writingBuf === 'string' &&
    typeof stream._actualWrite === 'function' &&
    typeof stream._len === 'number' &&
    typeof stream._hwm === 'number' &&
    typeof stream.maxWrite === 'number' &&
    typeof stream.minLength === 'number' &&
    typeof stream.maxLength === 'number' &&
    typeof stream.emit === 'function';
  if (!textMode) return false;
  const sonic = stream as SonicBoomText;
  /** The last chunk this write built, and its length in bytes. */
  let chunk: unknown;
  let chunkBytes = 0;
  sonic.write = function write(this: SonicBoomText, input: string): boolean {
    if (this.destroyed) throw new Error('SonicBoom destroyed');
    const data = `${input}`;
    const dataBytes = Buffer.byteLength(data);
    const len = this._len + dataBytes;
    if (this.maxLength && len > this.maxLength) {
      this.emit('drop', data);
      return this._len < this._hwm;
    }
    const bufs = this._bufs;
    const last = bufs.length - 1;
    const lastBytes =
      last < 0 ? 0 : bufs[last] === chunk ? chunkBytes : Buffer.byteLength(bufs[last] as string);
    if (last < 0 || lastBytes + dataBytes > this.maxWrite) {
      bufs.push(data);
      chunk = data;
      chunkBytes = dataBytes;
    } else {
      chunk = (bufs[last] as string) + data;
      chunkBytes = lastBytes + dataBytes;
      bufs[last] = chunk;
    }
    this._len = len;
    if (!this._writing && this._len >= this.minLength) this._actualWrite();
    return this._len < this._hwm;
  };
  return true;
}
