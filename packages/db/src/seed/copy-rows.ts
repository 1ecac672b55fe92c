import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Progress } from './progress.js';
import type { SeedTable } from './seed-tables.js';

/**
 * Lines are sent in chunks of about this many bytes: one stream write per row would spend more
 * time in stream bookkeeping than Postgres spends parsing, and big chunks only add memory.
 */
const CHUNK_BYTES = 256 * 1024;

/**
 * Streams rows into `table` with COPY FROM STDIN on `client` (inside the caller's transaction).
 * Rows are generated lazily as the socket drains, so memory stays flat for any row count.
 * @returns the number of rows Postgres reports as copied.
 */
export async function copyRows<Row>(
  client: pg.ClientBase,
  table: SeedTable<Row>,
  rows: Iterable<Row>,
  progress: Progress,
): Promise<number> {
  const columns = table.columns.map((column) => `"${column}"`).join(', ');
  const sink = client.query(copyFrom(`COPY "${table.name}" (${columns}) FROM STDIN`));
  await pipeline(Readable.from(chunks(table, rows, progress), { objectMode: false }), sink);
  return sink.rowCount;
}

function* chunks<Row>(table: SeedTable<Row>, rows: Iterable<Row>, progress: Progress): Generator<string> {
  let chunk = '';
  let count = 0;
  for (const row of rows) {
    chunk += table.line(row);
    count++;
    if (chunk.length >= CHUNK_BYTES) {
      // Counted when handed to the stream; backpressure keeps this within one chunk of Postgres.
      progress.tick(count);
      yield chunk;
      chunk = '';
      count = 0;
    }
  }
  if (count > 0) {
    progress.tick(count);
    yield chunk;
  }
}
