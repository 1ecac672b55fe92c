import { performance } from 'node:perf_hooks';

/** Where progress goes: a TTY gets a redrawn bar, anything else (a log file) a line every 10%. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface ProgressOptions {
  label: string;
  total: number;
  stream: ProgressStream;
  /** Milliseconds clock; injectable for tests. @default performance.now */
  now?: () => number;
}

export interface TableStats {
  table: string;
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  /** Part of `seconds` spent rebuilding indexes and foreign keys after a bulk load. */
  indexSeconds?: number;
}

const BAR_WIDTH = 30;
/** Redrawing on every batch would cost more than the COPY on a fast terminal. */
const REDRAW_EVERY_MS = 100;

export class Progress {
  readonly #label: string;
  readonly #total: number;
  readonly #stream: ProgressStream;
  readonly #now: () => number;
  readonly #tty: boolean;
  readonly #startedAt: number;
  #rows = 0;
  #lastDrawAt = Number.NEGATIVE_INFINITY;
  #lastDecile = 0;

  constructor(options: ProgressOptions) {
    this.#label = options.label;
    this.#total = options.total;
    this.#stream = options.stream;
    this.#now = options.now ?? (() => performance.now());
    this.#tty = options.stream.isTTY === true;
    this.#startedAt = this.#now();
  }

  tick(rows: number): void {
    this.#rows += rows;
    const at = this.#now();
    if (this.#tty) {
      if (at - this.#lastDrawAt >= REDRAW_EVERY_MS) {
        this.#lastDrawAt = at;
        this.#stream.write(`\r${this.#bar(at)}\x1b[K`);
      }
      return;
    }
    const decile = this.#total > 0 ? Math.floor((this.#rows / this.#total) * 10) : 0;
    if (decile > this.#lastDecile && decile < 10) {
      this.#lastDecile = decile;
      this.#stream.write(
        `${this.#label}: ${decile * 10}% (${formatCount(this.#rows)}/${formatCount(this.#total)} rows, ${formatCount(this.#rate(at))} rows/s)\n`,
      );
    }
  }

  /** Stops drawing and returns the table's figures; clears the bar so the summary starts a clean line. */
  finish(): TableStats {
    const at = this.#now();
    if (this.#tty) this.#stream.write('\r\x1b[K');
    const seconds = (at - this.#startedAt) / 1000;
    return { table: this.#label, rows: this.#rows, seconds, rowsPerSecond: this.#rate(at) };
  }

  #rate(at: number): number {
    const seconds = (at - this.#startedAt) / 1000;
    return seconds > 0 ? Math.round(this.#rows / seconds) : 0;
  }

  #bar(at: number): string {
    const fraction = this.#total > 0 ? Math.min(1, this.#rows / this.#total) : 1;
    const filled = Math.round(fraction * BAR_WIDTH);
    const bar = `${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}`;
    const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
    return `${this.#label.padEnd(11)} [${bar}] ${percent} ${formatCount(this.#rows)}/${formatCount(this.#total)} ${formatCount(this.#rate(at))} rows/s`;
  }
}

/**
 * The final line per table, e.g. "restaurants: 10,000 rows in 0.8 s (12,500 rows/s)", with the share
 * of index building when the table was bulk-loaded: "..., of which indexes 0.3 s".
 */
export function formatStats(stats: TableStats): string {
  const line = `${stats.table}: ${formatCount(stats.rows)} rows in ${stats.seconds.toFixed(1)} s (${formatCount(stats.rowsPerSecond)} rows/s)`;
  return stats.indexSeconds === undefined
    ? line
    : `${line}, of which indexes ${stats.indexSeconds.toFixed(1)} s`;
}

export const formatCount = (value: number): string => value.toLocaleString('en-US');
