/** Where progress goes: standard error, never standard output (which carries the report). */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

/**
 * One progress line on standard error for long reads (CloudTrail pages, data versions). On a
 * terminal the line is rewritten in place; otherwise each update is its own line, so logs keep
 * them. `quiet` turns it off.
 */
export class Progress {
  private open = false;

  constructor(
    private readonly stream: ProgressStream,
    private readonly quiet = false,
  ) {}

  public update(text: string): void {
    if (this.quiet) return;
    if (this.stream.isTTY) {
      this.stream.write(`\r\x1b[2K${text}`);
      this.open = true;
    } else {
      this.stream.write(`${text}\n`);
    }
  }

  /** Ends the current line (on a terminal), so that the next output starts on its own line. */
  public done(): void {
    if (this.open) this.stream.write('\n');
    this.open = false;
  }
}
