import { pipeline, Readable } from 'stream';
import { StringDecoder } from 'string_decoder';
import { createGunzip } from 'zlib';

/**
 * Line-by-line reading of a byte stream (an S3 object body, a local file), gzip or not, in bounded
 * memory: at most one chunk plus one line is held at a time, and a line longer than `maxLineChars`
 * is dropped (counted in {@link LineReadStats.oversizedLines}) instead of growing without limit.
 */

/** The two bytes every gzip member starts with (RFC 1952). */
const GZIP_MAGIC = [0x1f, 0x8b] as const;

/** Default longest line kept: 32 Mi characters (SageMaker real-time payloads are at most 25 MB). */
export const DEFAULT_MAX_LINE_CHARS = 32 * 1024 * 1024;

/** What reading a stream line by line counted. */
export interface LineReadStats {
  /** Bytes read from the source (compressed bytes for gzip). */
  readonly sourceBytes: number;
  /** Bytes after decompression (= sourceBytes when not compressed). */
  readonly bytes: number;
  /** Lines handed to the callback (blank lines included; a final line without newline included). */
  readonly lines: number;
  /** Whether the stream was gzip (detected by its magic bytes, whatever the object's name). */
  readonly gzip: boolean;
  /** Lines dropped because they were longer than maxLineChars. */
  readonly oversizedLines: number;
}

/** Options of the line reader. */
export interface LineReadOptions {
  /**
   * Longest line passed to the callback; longer lines are skipped and counted.
   * @default - DEFAULT_MAX_LINE_CHARS (32 Mi characters)
   */
  readonly maxLineChars?: number;
}

/** A byte source: a Node Readable, an S3 GetObject Body in Node, or any async iterable of chunks. */
export type ByteSource = AsyncIterable<Uint8Array | string>;

/**
 * Calls `onLine` for every line of `source` (UTF-8; `\n` or `\r\n` line ends, the `\r` removed),
 * decompressing gzip on the fly when the first bytes are the gzip magic number (multi-member gzip
 * included). The callback is synchronous, so lines are processed as chunks arrive with no per-line
 * promise. A gzip stream that is corrupt or truncated rejects with zlib's error.
 */
export async function forEachLine(source: ByteSource, onLine: (line: string) => void, options: LineReadOptions = {}): Promise<LineReadStats> {
  const maxLineChars = options.maxLineChars ?? DEFAULT_MAX_LINE_CHARS;
  let sourceBytes = 0;
  const counted = countBytes(source, (n) => {
    sourceBytes += n;
  });
  const { gzip, chunks } = await detectGzip(counted);
  const splitter = new LineSplitter(onLine, maxLineChars);
  let bytes = 0;
  for await (const chunk of chunks) {
    bytes += chunk.length;
    splitter.push(chunk);
  }
  splitter.end();
  return { sourceBytes, bytes, lines: splitter.lines, gzip, oversizedLines: splitter.oversized };
}

/** Splits decoded text into lines, keeping only the unfinished last line between chunks. */
class LineSplitter {
  lines = 0;
  oversized = 0;
  private readonly decoder = new StringDecoder('utf8');
  /** Pieces of the current unfinished line (several when a line spans many chunks). */
  private pending: string[] = [];
  private pendingLength = 0;
  private skipping = false;

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly maxLineChars: number,
  ) {}

  push(chunk: Buffer): void {
    this.text(this.decoder.write(chunk));
  }

  end(): void {
    this.text(this.decoder.end());
    if (this.skipping || this.pending.length > 0) this.finishLine('');
  }

  private text(text: string): void {
    let start = 0;
    let newline = text.indexOf('\n');
    while (newline !== -1) {
      this.finishLine(text.slice(start, newline));
      start = newline + 1;
      newline = text.indexOf('\n', start);
    }
    if (start < text.length) this.keep(text.slice(start));
  }

  private keep(piece: string): void {
    if (this.skipping) return;
    this.pendingLength += piece.length;
    if (this.pendingLength > this.maxLineChars) {
      this.skipping = true;
      this.pending = [];
      this.pendingLength = 0;
      return;
    }
    this.pending.push(piece);
  }

  private finishLine(tail: string): void {
    if (this.skipping || this.pendingLength + tail.length > this.maxLineChars) {
      this.oversized++;
      this.skipping = false;
      this.pending = [];
      this.pendingLength = 0;
      return;
    }
    let line = this.pending.length === 0 ? tail : this.pending.join('') + tail;
    this.pending = [];
    this.pendingLength = 0;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    this.lines++;
    this.onLine(line);
  }
}

async function* countBytes(source: ByteSource, add: (n: number) => void): AsyncGenerator<Buffer> {
  for await (const chunk of source) {
    const buffer =
      typeof chunk === 'string'
        ? Buffer.from(chunk, 'utf8')
        : Buffer.isBuffer(chunk)
          ? chunk
          : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    add(buffer.length);
    yield buffer;
  }
}

/**
 * Peeks at the first bytes: gzip when they are 0x1f 0x8b. Returns the stream to read (the gunzipped
 * one when compressed), starting with the bytes already peeked at.
 */
async function detectGzip(source: AsyncGenerator<Buffer>): Promise<{ gzip: boolean; chunks: AsyncIterable<Buffer> }> {
  const head: Buffer[] = [];
  let headLength = 0;
  while (headLength < GZIP_MAGIC.length) {
    const next = await source.next();
    if (next.done) break;
    head.push(next.value);
    headLength += next.value.length;
  }
  const first = Buffer.concat(head);
  const gzip = first.length >= 2 && first[0] === GZIP_MAGIC[0] && first[1] === GZIP_MAGIC[1];
  async function* replay(): AsyncGenerator<Buffer> {
    try {
      if (first.length > 0) yield first;
      for (;;) {
        const next = await source.next();
        if (next.done) return;
        yield next.value;
      }
    } finally {
      // Stopped early (a consumer error): release the source (an S3 body's socket) now.
      await source.return(undefined);
    }
  }
  if (!gzip) return { gzip, chunks: replay() };
  const gunzip = createGunzip();
  // pipeline destroys both streams when either fails or the reader stops; errors reach the reader through gunzip.
  pipeline(Readable.from(replay(), { objectMode: false }), gunzip, () => undefined);
  return { gzip, chunks: gunzip };
}
