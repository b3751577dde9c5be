// An engine's output: cut into lines as it arrives, and the last lines kept for the admin API.

/** Longest line passed on whole; longer ones are cut, as CloudWatch caps events at 256 KB. */
const MAX_LINE = 262_000;
/** Longest line kept in the ring (the admin listing needs the gist, not megabytes). */
const MAX_KEPT = 2_000;

export interface OutputLine {
  at: string;
  stream: 'stdout' | 'stderr';
  line: string;
}

/** The last `size` lines of an engine's output. */
export class OutputRing {
  readonly size: number;
  #lines: OutputLine[] = [];
  #next = 0;

  constructor(size: number) {
    this.size = Math.max(1, size);
  }

  push(stream: 'stdout' | 'stderr', line: string): void {
    const entry = { at: new Date().toISOString(), stream, line: line.length > MAX_KEPT ? `${line.slice(0, MAX_KEPT)}…` : line };
    if (this.#lines.length < this.size) this.#lines.push(entry);
    else this.#lines[this.#next] = entry;
    this.#next = (this.#next + 1) % this.size;
  }

  /** The kept lines, oldest first (the last `n` when given). */
  lines(n = this.size): OutputLine[] {
    const ordered = this.#lines.length < this.size ? this.#lines : [...this.#lines.slice(this.#next), ...this.#lines.slice(0, this.#next)];
    return ordered.slice(Math.max(0, ordered.length - n));
  }
}

/** Reads a stream as text and calls `onLine` per line (without its '\n'), the last one at its end. */
export function splitLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let partial = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop()!;
    for (const line of lines) onLine(line);
    // A line with no end in sight is passed on in pieces.
    if (partial.length > MAX_LINE) {
      onLine(partial);
      partial = '';
    }
  });
  stream.on('end', () => {
    if (partial) onLine(partial);
    partial = '';
  });
}
