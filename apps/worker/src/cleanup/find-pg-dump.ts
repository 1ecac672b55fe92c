import { accessSync, constants, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The pg_dump to run: PG_DUMP_PATH when set, else the newest Debian `postgresql` package's
 * (`/usr/lib/postgresql/<major>/bin/pg_dump`, the way infra/local finds the server binaries, so the
 * client is not older than the server), else `pg_dump` on the PATH.
 */
export function findPgDump(configured: string | undefined, root = '/usr/lib/postgresql'): string {
  if (configured) return configured;
  let majors: string[] = [];
  try {
    majors = readdirSync(root).filter((name) => /^\d+$/.test(name));
  } catch {
    // No Debian PostgreSQL packages.
  }
  for (const major of majors.sort((a, b) => Number(b) - Number(a))) {
    const candidate = join(root, major, 'bin', 'pg_dump');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not this one.
    }
  }
  return 'pg_dump';
}
