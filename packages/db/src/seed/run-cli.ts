import pg from 'pg';
import { dbEnvSchema } from '../db-env.js';
import { describeServer } from '../pg-pool.js';
import { parseSeedArgs, SEED_USAGE } from './parse-seed-args.js';
import { formatCount, formatStats, type ProgressStream } from './progress.js';
import { seedDatabase } from './seed-database.js';

export interface CliIo {
  env: NodeJS.ProcessEnv;
  /** Results: "already seeded" or one line per table. */
  stdout: { write(text: string): unknown };
  /** Errors and progress. */
  stderr: ProgressStream;
}

/** The seed command without process globals, so the integration test runs exactly what `db:seed` runs. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseSeedArgs(argv);
  if (args.kind === 'help') {
    io.stdout.write(`${SEED_USAGE}\n`);
    return 0;
  }
  if (args.kind === 'error') {
    io.stderr.write(`seed: ${args.message}\n${SEED_USAGE}\n`);
    return 2;
  }
  const env = dbEnvSchema.pick({ DATABASE_URL: true }).safeParse(io.env);
  if (!env.success) {
    io.stderr.write('seed: DATABASE_URL must be set to a postgres:// URL of the primary\n');
    return 2;
  }

  const { plan, reset } = args;
  const url = env.data.DATABASE_URL;
  const client = new pg.Client({ connectionString: url, application_name: 'tablestack-seed' });
  // A dropped connection also rejects the pending query, which reports it below; without a
  // listener the 'error' event would crash the process with a stack trace instead.
  client.on('error', () => {});
  try {
    await client.connect();
    const outcome = await seedDatabase(client, { plan, reset, progress: io.stderr });
    const what = `${formatCount(plan.restaurants)} restaurants, seed '${plan.seedText}'`;
    if (outcome.kind === 'already-seeded') {
      io.stdout.write(`already seeded (${what}) in ${describeServer(url)}; --reset reseeds\n`);
      return 0;
    }
    for (const table of outcome.tables) io.stdout.write(`${formatStats(table)}\n`);
    io.stdout.write(
      `seeded ${describeServer(url)} (${what}) in ${outcome.seconds.toFixed(1)} s, of which ANALYZE ${outcome.analyzeSeconds.toFixed(1)} s\n`,
    );
    return 0;
  } catch (error) {
    io.stderr.write(`seed: failed: ${(error as Error).message}\n`);
    return 1;
  } finally {
    await client.end().catch(() => undefined);
  }
}
