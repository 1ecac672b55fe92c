// Password hashing cost on this machine: milliseconds per hash of every algorithm the user-service
// makes or accepts, measured in one run, so that the choice of default (README.md) rests on figures.
// Rounds are interleaved (every case runs a few hashes per round, in a rotated order), because CPU
// steal on shared machines swings within a minute and would otherwise favour whichever case ran in a
// quiet spell. Writes bench/results/password-hashing.{json,md}.
//
//   pnpm --filter @tablestack/user-service bench [-- --rounds 6 --per-round 3]

import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Argon2idHasher, OWASP_ARGON2ID } from '../src/passwords/argon2id-hasher.js';
import { BcryptHasher } from '../src/passwords/bcrypt-hasher.js';
import type { PasswordHasher } from '../src/passwords/password-hasher.js';
import { ScryptHasher, SEED_SCRYPT } from '../src/passwords/scrypt-hasher.js';

interface Case {
  name: string;
  parameters: string;
  hasher: PasswordHasher;
}

interface CaseResult {
  name: string;
  parameters: string;
  samples: number;
  /** Milliseconds per hash, one at a time. */
  msPerHash: { p50: number; mean: number; min: number; max: number };
  /** 1000 / p50: logins per second one busy CPU can verify. */
  hashesPerSecondPerCpu: number;
  /**
   * Measured hashes per second with `parallel` in flight (one per CPU). Only above the per-CPU figure
   * when the other CPUs are idle: compare with the load average recorded with the results.
   */
  hashesPerSecondParallel: number;
  /** Longest event-loop stall while this case hashed: hashing runs on the thread pool, not the loop. */
  maxEventLoopDelayMs: number;
}

const { values: args } = parseArgs({
  options: { rounds: { type: 'string', default: '6' }, 'per-round': { type: 'string', default: '3' } },
});
const rounds = Number(args.rounds);
const perRound = Number(args['per-round']);
const parallel = availableParallelism();
const password = 'correct horse battery staple';

const cases: Case[] = [
  {
    name: 'argon2id (OWASP, default)',
    parameters: `m=${OWASP_ARGON2ID.memoryKib} KiB, t=${OWASP_ARGON2ID.timeCost}, p=${OWASP_ARGON2ID.parallelism}`,
    hasher: new Argon2idHasher(OWASP_ARGON2ID),
  },
  { name: 'bcrypt 10', parameters: 'cost 10 (1,024 rounds)', hasher: new BcryptHasher(10) },
  { name: 'bcrypt 12', parameters: 'cost 12 (4,096 rounds)', hasher: new BcryptHasher(12) },
  {
    name: 'scrypt (seed)',
    parameters: `N=${SEED_SCRYPT.cost}, r=${SEED_SCRYPT.blockSize}, p=${SEED_SCRYPT.parallelization}`,
    hasher: new ScryptHasher(SEED_SCRYPT),
  },
];

async function timeOne(hasher: PasswordHasher): Promise<number> {
  const started = performance.now();
  await hasher.hash(password);
  return performance.now() - started;
}

async function throughput(hasher: PasswordHasher, count: number): Promise<number> {
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next++ < count) await hasher.hash(password);
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return (count / (performance.now() - started)) * 1000;
}

const round3 = (value: number) => Math.round(value * 1000) / 1000;

const loadAtStart = loadavg()[0]!;

async function main(): Promise<void> {
  for (const { hasher } of cases) await timeOne(hasher); // warm-up: load the native modules, fault in memory
  const samples = new Map<string, number[]>(cases.map(({ name }) => [name, []]));
  const delays = new Map<string, number>(cases.map(({ name }) => [name, 0]));
  for (let round = 0; round < rounds; round++) {
    for (let slot = 0; slot < cases.length; slot++) {
      const item = cases[(round + slot) % cases.length]!;
      const histogram = monitorEventLoopDelay({ resolution: 1 });
      histogram.enable();
      for (let index = 0; index < perRound; index++) samples.get(item.name)!.push(await timeOne(item.hasher));
      histogram.disable();
      delays.set(item.name, Math.max(delays.get(item.name)!, histogram.max / 1e6));
    }
    process.stderr.write(`round ${round + 1}/${rounds} done\n`);
  }
  const results: CaseResult[] = [];
  for (const item of cases) {
    const sorted = [...samples.get(item.name)!].sort((a, b) => a - b);
    const mean = sorted.reduce((sum, value) => sum + value, 0) / sorted.length;
    // Enough hashes to keep every CPU busy for a while, but bounded for bcrypt 12.
    const count = Math.max(parallel * 4, Math.round(3000 / sorted[Math.floor(sorted.length / 2)]!));
    results.push({
      name: item.name,
      parameters: item.parameters,
      samples: sorted.length,
      msPerHash: {
        p50: round3(sorted[Math.floor(sorted.length / 2)]!),
        mean: round3(mean),
        min: round3(sorted[0]!),
        max: round3(sorted.at(-1)!),
      },
      hashesPerSecondPerCpu: round3(1000 / sorted[Math.floor(sorted.length / 2)]!),
      hashesPerSecondParallel: round3(await throughput(item.hasher, count)),
      maxEventLoopDelayMs: round3(delays.get(item.name)!),
    });
  }
  write(results);
}

function packageVersion(name: string): string {
  return (createRequire(import.meta.url)(`${name}/package.json`) as { version: string }).version;
}

function write(results: CaseResult[]): void {
  const here = dirname(fileURLToPath(import.meta.url));
  const folder = join(here, 'results');
  mkdirSync(folder, { recursive: true });
  const environment = {
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cpus: parallel,
    uvThreadpoolSize: Number(process.env.UV_THREADPOOL_SIZE ?? 4),
    /** 1-minute load average at the start and the end: other work on the machine competes for its CPUs. */
    loadAverage: { start: round3(loadAtStart), end: round3(loadavg()[0]!) },
    '@node-rs/argon2': packageVersion('@node-rs/argon2'),
    '@node-rs/bcrypt': packageVersion('@node-rs/bcrypt'),
    rounds,
    perRound,
  };
  writeFileSync(
    join(folder, 'password-hashing.json'),
    `${JSON.stringify({ environment, results }, null, 2)}\n`,
  );
  const rows = results.map(
    (r) =>
      `| ${r.name} | ${r.parameters} | ${r.msPerHash.p50} | ${r.msPerHash.mean} | ${r.msPerHash.min}–${r.msPerHash.max} | ${r.hashesPerSecondPerCpu} | ${r.hashesPerSecondParallel} | ${r.maxEventLoopDelayMs} |`,
  );
  const markdown = [
    `# Password hashing (${environment.date.slice(0, 10)})`,
    '',
    `Node ${environment.node}, @node-rs/argon2 ${environment['@node-rs/argon2']}, @node-rs/bcrypt ${environment['@node-rs/bcrypt']}, node:crypto scrypt; ${environment.cpus} CPUs (${environment.cpu}), libuv thread pool ${environment.uvThreadpoolSize}; load average ${environment.loadAverage.start} at the start, ${environment.loadAverage.end} at the end. ${rounds} rounds × ${perRound} hashes per case, interleaved, one hash at a time; then hashes/s with ${parallel} in flight.`,
    '',
    `| case | parameters | ms/hash p50 | mean | min–max | hashes/s per CPU | hashes/s measured, ${parallel} in flight | max event-loop delay ms |`,
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    'A login costs one verification, which costs one hash, so hashes/s is the most logins per second the machine can verify. "Per CPU" is 1000 / p50; the measured figure with one hash per CPU in flight only exceeds it when the other CPUs are free (see the load average). The event-loop delay stays far below the hash times: hashing runs on the libuv thread pool, not on the loop.',
    '',
  ].join('\n');
  writeFileSync(join(folder, 'password-hashing.md'), markdown);
  formatWithBiome(folder);
  process.stdout.write(markdown);
}

/**
 * Formats the results with the repo's Biome config, as packages/db's bench does, so that `biome check`
 * passes on them. Biome is the root's dev dependency, on PATH under `pnpm bench`; without it the files
 * are still valid, only not formatted.
 */
function formatWithBiome(folder: string): void {
  const result = spawnSync('biome', ['format', '--write', folder], { encoding: 'utf8' });
  if (result.status !== 0)
    process.stderr.write(
      `bench: results not formatted (biome: ${result.error?.message ?? `exit ${result.status}`})\n`,
    );
}

await main();
