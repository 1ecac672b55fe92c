// Pooled vs a new connection per request, in this run: the same primary-key read of a restaurant,
// through a pg.Pool (DB_POOL_SIZE connections, like the services) and through a new pg.Client per
// query (connect, scram auth, query, end). packages/db/bench measures the same thing more thoroughly
// (with Prisma on top); this keeps the ratio inside the one run that all other ratios come from.

import { performance } from 'node:perf_hooks';
import pg from 'pg';

export interface ConnectionSide {
  opsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  ops: number;
}

export interface PooledVsNew {
  inFlight: number;
  poolSize: number;
  pooled: ConnectionSide;
  newConnection: ConnectionSide;
  ratio: number;
}

const query = 'select id, name, city from restaurants where id = $1';

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function run(durationMs: number, inFlight: number, once: () => Promise<void>): Promise<ConnectionSide> {
  const latencies: number[] = [];
  const end = performance.now() + durationMs;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        await once();
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const round = (ms: number) => Math.round(ms * 1000) / 1000;
  return {
    ops: latencies.length,
    opsPerSecond: latencies.length / seconds,
    p50Ms: round(percentile(latencies, 50)),
    p99Ms: round(percentile(latencies, 99)),
  };
}

export async function measurePooledVsNew(
  databaseUrl: string,
  id: string,
  durationMs: number,
  inFlight = 8,
): Promise<PooledVsNew> {
  const poolSize = Number(process.env.DB_POOL_SIZE ?? 10);
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize });
  try {
    await pool.query(query, [id]);
    const pooled = await run(durationMs, inFlight, async () => {
      await pool.query(query, [id]);
    });
    const newConnection = await run(durationMs, inFlight, async () => {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        await client.query(query, [id]);
      } finally {
        await client.end();
      }
    });
    return {
      inFlight,
      poolSize,
      pooled,
      newConnection,
      ratio: newConnection.opsPerSecond > 0 ? pooled.opsPerSecond / newConnection.opsPerSecond : 0,
    };
  } finally {
    await pool.end();
  }
}
