import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// What Prisma cannot express (generated columns, GIN / GiST / trigram indexes, triggers) is written by
// hand in the migrations and mirrored in the schema (Unsupported / @ignore fields with their
// expression as dbgenerated default). If the two drift, the next `migrate dev` would write a migration
// that drops or alters those objects. The diff runs the migrations in a shadow database on the
// stack's primary (DATABASE_URL) and compares them with the schema.
const packageDir = fileURLToPath(new URL('..', import.meta.url));

describe('migrations and schema', () => {
  it('agree: migrate diff from the migrations to the schema is empty', () => {
    if (!process.env.DATABASE_URL) throw new Error('DATABASE_URL must point at the stack primary');
    const result = spawnSync(
      process.execPath,
      [
        'scripts/prisma.mjs',
        'migrate',
        'diff',
        '--from-migrations',
        'prisma/migrations',
        '--to-schema',
        'prisma/schema.prisma',
        '--script',
        '--exit-code',
      ],
      { cwd: packageDir, encoding: 'utf8', env: process.env },
    );
    // --exit-code: 0 = no difference, 2 = a difference (printed), 1 = an error.
    expect({
      status: result.status,
      stdout: result.stdout,
      stderr: result.status === 0 ? '' : result.stderr,
    }).toEqual({ status: 0, stdout: expect.stringContaining('empty migration'), stderr: '' });
  }, 120_000);
});
