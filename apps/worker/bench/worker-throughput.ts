// Jobs per second through BullMQ on the stack's Redis: a no-op queue (the floor: BullMQ's own cost per
// job), the email queue with the real processor into the stack's SMTP sink (maildev), and the outbox
// relay (rows → jobs). Each case runs several rounds with the cases interleaved, so that noise from
// other processes on this shared machine hits all of them; the results give the median and the
// min–max over the rounds. Figures are end to end: the first job picked up to the last completed.
//
// Usage: pnpm --filter @tablestack/worker bench [--rounds 3] [--noop-jobs 3000] [--email-jobs 300]
//        [--relay-rows 3000]   (needs DATABASE_URL, REDIS_URL, SMTP_URL, MAIL_API_URL: the stack's env)

import { mkdir, rename, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Queue, Worker } from 'bullmq';
import { OutboxRelay } from '../src/outbox/outbox-relay.js';
import { defaultQueuePolicies, jobOptionsFor } from '../src/queues/queue-policy.js';
import { dropNamespace, outboxRoutes, startRuntime } from '../test/harness.js';
import { logger, openDatabase, openRedis, requireEnv, uniqueId } from '../test/support.js';

const resultsDir = fileURLToPath(new URL('results/', import.meta.url));
const retention = { completedMs: 3_600_000, failedMs: 3_600_000 };

interface Round {
  jobs: number;
  ms: number;
  jobsPerSecond: number;
}

interface Case {
  name: string;
  concurrency: number;
  run: () => Promise<Round>;
  rounds: Round[];
}

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    'noop-jobs': { type: 'string', default: '3000' },
    'email-jobs': { type: 'string', default: '300' },
    'relay-rows': { type: 'string', default: '3000' },
  },
});
const rounds = Number(values.rounds);
const noopJobs = Number(values['noop-jobs']);
const emailJobs = Number(values['email-jobs']);
const relayRows = Number(values['relay-rows']);
const db = openDatabase();

function round(jobs: number, ms: number): Round {
  return { jobs, ms: Math.round(ms), jobsPerSecond: Math.round((jobs / ms) * 1000) };
}

/** Resolves when `worker` has completed `count` jobs. */
function completions(worker: Worker, count: number): Promise<void> {
  let done = 0;
  return new Promise((resolve, reject) => {
    worker.on('completed', () => {
      if (++done === count) resolve();
    });
    worker.on('failed', (_job, error) => reject(error));
  });
}

async function fill(queue: Queue, name: string, count: number, data: (i: number) => object): Promise<void> {
  for (let start = 0; start < count; start += 500) {
    const size = Math.min(500, count - start);
    await queue.addBulk(Array.from({ length: size }, (_, i) => ({ name, data: data(start + i) })));
  }
}

/** BullMQ alone: a processor that does nothing, with the email queue's job options. */
async function noopRound(concurrency: number): Promise<Round> {
  const namespace = uniqueId('bench-noop');
  const redis = openRedis(namespace);
  const options = { connection: redis.queue, prefix: redis.queuePrefix };
  const queue = new Queue('noop', {
    ...options,
    defaultJobOptions: jobOptionsFor(defaultQueuePolicies.email, retention),
  });
  try {
    await fill(queue, 'noop', noopJobs, (i) => ({ i }));
    const worker = new Worker('noop', async () => {}, { ...options, concurrency, autorun: false });
    const done = completions(worker, noopJobs);
    const start = performance.now();
    void worker.run();
    await done;
    const result = round(noopJobs, performance.now() - start);
    await worker.close();
    return result;
  } finally {
    await queue.obliterate({ force: true });
    await queue.close();
    await redis.close();
  }
}

/** The real email processor (templates, idempotency key, nodemailer pool) into maildev. */
async function emailRound(concurrency: number): Promise<Round> {
  const namespace = uniqueId('bench-email');
  const redis = openRedis(namespace);
  const queue = new Queue('email', { connection: redis.queue, prefix: redis.queuePrefix });
  const address = (i: number) => `${namespace}-${i}@example.com`;
  try {
    await fill(queue, 'welcome', emailJobs, (i) => ({
      userId: '3f1c2b4a-9d8e-4f7a-8b6c-5d4e3f2a1b0c',
      email: address(i),
      name: `Bench ${i}`,
    }));
    const harness = startRuntime(db, {
      namespace,
      env: {
        WORKER_QUEUES: 'email',
        OUTBOX_RELAY_ENABLED: 'false',
        WORKER_CONCURRENCY_EMAIL: String(concurrency),
      },
    });
    const worker = harness.runtime.workers.get('email')!;
    // From the first job picked up: connecting to Redis and SMTP is not part of the rate.
    let start = 0;
    worker.once('active', () => {
      start = performance.now();
    });
    await completions(worker, emailJobs);
    const result = round(emailJobs, performance.now() - start);
    await harness.close();
    return result;
  } finally {
    await queue.close();
    await redis.close();
    await dropNamespace(db, namespace);
    await deleteMails(namespace);
  }
}

/** The outbox relay alone: rows already committed → jobs in BullMQ, rows marked SENT. */
async function relayRound(batchSize: number): Promise<Round> {
  const namespace = uniqueId('bench-relay');
  const redis = openRedis(namespace);
  const route = outboxRoutes(namespace).email;
  const queue = new Queue('email', { connection: redis.queue, prefix: redis.queuePrefix });
  try {
    await redis.whenReady('queue', 2000);
    await db.primary().outbox.createMany({
      data: Array.from({ length: relayRows }, (_, i) => ({
        queue: route,
        jobName: 'welcome',
        payload: { userId: '3f1c2b4a-9d8e-4f7a-8b6c-5d4e3f2a1b0c', email: `r${i}@example.com`, name: 'R' },
      })),
    });
    const relay = new OutboxRelay({
      db,
      routes: new Map([[route, queue]]),
      isRedisReady: () => redis.queue.status === 'ready',
      logger,
      batchSize,
    });
    const start = performance.now();
    let sent = 0;
    while (sent < relayRows) sent += (await relay.relayOnce()).sent;
    return round(relayRows, performance.now() - start);
  } finally {
    await queue.obliterate({ force: true });
    await queue.close();
    await redis.close();
    await dropNamespace(db, namespace);
  }
}

async function deleteMails(namespace: string): Promise<void> {
  const api = requireEnv('MAIL_API_URL');
  const all = (await (await fetch(`${api}/email`)).json()) as Array<{
    id: string;
    to: Array<{ address: string }>;
  }>;
  for (const mail of all.filter((m) => m.to.some((to) => to.address.startsWith(namespace))))
    await fetch(`${api}/email/${mail.id}`, { method: 'DELETE' });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const cases: Case[] = [
    ...[1, 10, 50].map((c) => ({ name: 'noop', concurrency: c, run: () => noopRound(c), rounds: [] })),
    ...[1, 5, 20].map((c) => ({
      name: 'email → maildev',
      concurrency: c,
      run: () => emailRound(c),
      rounds: [],
    })),
    ...[100, 500].map((b) => ({
      name: `outbox relay (batch ${b})`,
      concurrency: 1,
      run: () => relayRound(b),
      rounds: [],
    })),
  ];
  const loadavgStart = os.loadavg();
  const started = new Date().toISOString();
  for (let r = 0; r < rounds; r++) {
    // Rotate the order each round so no case always runs first (cold) or last.
    const order = cases.map((_, i) => cases[(i + r) % cases.length]!);
    for (const benchCase of order) {
      const result = await benchCase.run();
      benchCase.rounds.push(result);
      process.stderr.write(
        `round ${r + 1}/${rounds} ${benchCase.name} c=${benchCase.concurrency}: ${result.jobsPerSecond} jobs/s\n`,
      );
    }
  }
  const summary = cases.map(({ name, concurrency, rounds: results }) => {
    const rates = results.map((result) => result.jobsPerSecond);
    return {
      name,
      concurrency,
      jobs: results[0]!.jobs,
      medianJobsPerSecond: median(rates),
      min: Math.min(...rates),
      max: Math.max(...rates),
      rounds: results,
    };
  });
  const report = {
    started,
    rounds,
    host: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      node: process.version,
      loadavgStart: loadavgStart.map((v) => Math.round(v * 100) / 100),
      loadavgEnd: os.loadavg().map((v) => Math.round(v * 100) / 100),
    },
    results: summary,
  };
  const md = [
    '# Worker throughput',
    '',
    `Run ${started}, ${rounds} rounds per case (cases interleaved), Node ${process.version}, ${report.host.cpus} CPUs,`,
    `load average ${report.host.loadavgStart.join(' ')} at the start and ${report.host.loadavgEnd.join(' ')} at the end.`,
    "One process; the stack's Redis, Postgres primary and maildev on loopback. jobs/s end to end (first job picked up → last completed).",
    '',
    '| case | concurrency | jobs per round | median jobs/s | min–max |',
    '| --- | --- | --- | --- | --- |',
    ...summary.map(
      (s) => `| ${s.name} | ${s.concurrency} | ${s.jobs} | ${s.medianJobsPerSecond} | ${s.min}–${s.max} |`,
    ),
    '',
  ].join('\n');
  await mkdir(resultsDir, { recursive: true });
  for (const [file, content] of [
    ['worker-throughput.json', `${JSON.stringify(report, null, 2)}\n`],
    ['worker-throughput.md', md],
  ] as const) {
    await writeFile(`${resultsDir}${file}.tmp`, content);
    await rename(`${resultsDir}${file}.tmp`, `${resultsDir}${file}`);
  }
  process.stdout.write(md);
}

try {
  await main();
} finally {
  await db.close();
}
