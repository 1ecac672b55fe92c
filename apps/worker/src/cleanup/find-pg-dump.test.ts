import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPgDump } from './find-pg-dump.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'pg-dump-'));
  for (const major of ['13', '15', '9']) {
    await mkdir(join(root, major, 'bin'), { recursive: true });
    await writeFile(join(root, major, 'bin', 'pg_dump'), '#!/bin/sh\n');
    await chmod(join(root, major, 'bin', 'pg_dump'), 0o755);
  }
  // A newer major without a usable pg_dump is skipped.
  await mkdir(join(root, '16', 'bin'), { recursive: true });
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('findPgDump', () => {
  it('takes PG_DUMP_PATH when it is set', () => {
    expect(findPgDump('/opt/pg/bin/pg_dump', root)).toBe('/opt/pg/bin/pg_dump');
  });

  it('takes the newest major that has an executable pg_dump (numeric order, not text)', () => {
    expect(findPgDump(undefined, root)).toBe(join(root, '15', 'bin', 'pg_dump'));
  });

  it('falls back to pg_dump on the PATH', () => {
    expect(findPgDump(undefined, join(root, 'missing'))).toBe('pg_dump');
  });
});
