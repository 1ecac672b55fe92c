import { spawnSync } from 'node:child_process';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { type CaseResult, formatNs, type Goal, type Ratio } from './report.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const resultsDir = fileURLToPath(new URL('results/', import.meta.url));

export interface Report {
  benchmark: 'cache-paths';
  date: string;
  durationSeconds: number;
  node: string;
  v8: string;
  versions: Record<string, string>;
  host: { platform: string; cpus: number; cpuModel: string; loadavgStart: number[]; loadavgEnd: number[] };
  parameters: {
    rounds: number;
    timeMs: number;
    warmupMs: number;
    batchSize: number;
    hotKeys: number;
    poolKeys: number;
    l1MaxEntries: number;
    valueJsonBytes: number;
    ttlMs: number;
    l2Hit: string;
    miss: string;
  };
  reference: Record<string, number | number[]>;
  cases: CaseResult[];
  ratios: Record<'l1Hit' | 'l2Hit' | 'miss', Record<string, Ratio | undefined>>;
  goals: Goal[];
  keysDeleted: number;
}

const ratioCell = (value: Ratio | undefined) =>
  value ? `${value.perRoundMedian} (${value.perRoundMin}–${value.perRoundMax})` : 'n/a';

/** The counters that say which path an operation took, per operation. */
function pathEvidence(result: CaseResult): string {
  const entries = Object.entries(result.perOp.after).filter(([, value]) => value >= 0.01);
  return entries.length === 0 ? '—' : entries.map(([name, value]) => `${name} ${value}`).join(', ');
}

export function renderMarkdown(report: Report): string {
  const { parameters: p, versions: v } = report;
  const lines = [
    `# Cache read paths: L1 hit, L2 hit, miss-then-load (${report.date.slice(0, 10)})`,
    '',
    `Node ${report.node}, @tablestack/cache ${v.tablestackCache}, bentocache ${v.bentocache}, cache-manager ` +
      `${v.cacheManager} (keyv ${v.keyv}, @keyv/redis ${v.keyvRedis}, cacheable ${v.cacheable}), lru-cache ` +
      `${v.lruCache}, ioredis ${v.ioredis}, Redis ${v.redisServer}, mitata ${v.mitata}; ${report.host.cpus} CPUs, ` +
      `load ${report.host.loadavgStart[0]} → ${report.host.loadavgEnd[0]}. Value ${p.valueJsonBytes} bytes of JSON; ` +
      `L1 bound ${p.l1MaxEntries} entries. ${p.rounds} rounds: in-memory cases timed by mitata in batches of ` +
      `${p.batchSize} (their p99 is that of batch means), ${p.timeMs} ms each, order rotated each round; Redis ` +
      `cases interleaved operation by operation in random order, one in flight, ${p.timeMs} ms per case. See ` +
      'README.md.',
    '',
    '| case | median | p99 | ops/s | per op |',
    '| --- | ---: | ---: | ---: | --- |',
    ...report.cases.map(
      (c) =>
        `| ${c.name}${c.note ? ' ¹' : ''} | ${formatNs(c.medianNs)} | ${formatNs(c.p99Ns)} | ${c.opsPerSec} | ` +
        `${pathEvidence(c)} |`,
    ),
    '',
    '¹ not part of the goals: ' +
      report.cases
        .filter((c) => c.note)
        .map((c) => `${c.name}: ${c.note}`)
        .join('; ') +
      '.',
    '',
    'Ratios of medians measured in the same round: median over the rounds (min–max).',
    '',
    '| ratio | L1 hit | L2 hit | miss |',
    '| --- | ---: | ---: | ---: |',
    `| tablestack ÷ bentocache | ${ratioCell(report.ratios.l1Hit.vsBentocache)} | ${ratioCell(report.ratios.l2Hit.vsBentocache)} | ${ratioCell(report.ratios.miss.vsBentocache)} |`,
    `| tablestack ÷ cache-manager | ${ratioCell(report.ratios.l1Hit.vsCacheManager)} | ${ratioCell(report.ratios.l2Hit.vsCacheManager)} | ${ratioCell(report.ratios.miss.vsCacheManager)} |`,
    `| tablestack ÷ floor | ${ratioCell(report.ratios.l1Hit.vsLruCache)} | ${ratioCell(report.ratios.l2Hit.vsIoredis)} | |`,
    '',
    '## Goals',
    '',
    '| goal | this run | target | met |',
    '| --- | ---: | --- | --- |',
    ...report.goals.map(
      (goal) => `| ${goal.what} | ${goal.value} | ${goal.target} | ${goal.met ? 'yes' : 'NO'} |`,
    ),
    '',
    ...reading(report),
    '',
  ];
  return lines.join('\n');
}

function reading(report: Report): string[] {
  const find = (name: string) => report.cases.find((c) => c.name === name);
  const ours = find('tablestack l1-hit');
  const bento = find('bentocache l1-hit');
  const l2 = report.ratios.l2Hit;
  const sentences: string[] = [];
  const [underUs, tenTimes, l2Goal] = report.goals;
  if (ours && bento && underUs && tenTimes) {
    const speedup = Math.round(1 / tenTimes.value);
    sentences.push(
      `An L1 hit costs ${formatNs(ours.medianNs)} at the median (${underUs.met ? 'under' : 'NOT under'} the 1 µs ` +
        `goal), ${speedup}× faster than bentocache's ${formatNs(bento.medianNs)} (goal: more than 10×, ` +
        `${tenTimes.met ? 'met' : 'NOT met'}).`,
    );
  }
  if (l2Goal && l2.vsIoredis && l2.redisClientConnectionVsIoredis && l2.vsRedisClientConnection) {
    sentences.push(
      `An L2 hit costs ${l2.vsIoredis.perRoundMedian}× a bare ioredis GET + JSON.parse (goal ≤ 1.2, ` +
        `${l2Goal.met ? 'met' : 'NOT met'}); of that, the shared command connection's policy alone (command ` +
        `timeout timer, metrics, key prefix) is ${l2.redisClientConnectionVsIoredis.perRoundMedian}×, and the ` +
        `cache on top of that connection ${l2.vsRedisClientConnection.perRoundMedian}×.`,
    );
  }
  sentences.push(
    'Absolute figures move 2-3x between runs on this machine; compare ratios, and the "per op" counters ' +
      'show that each case took the path it names.',
  );
  return [sentences.join(' ')];
}

/** Writes through a .tmp file (ignored by git) so that a crash never leaves half a results file. */
async function writeAtomically(path: string, content: string): Promise<void> {
  await writeFile(`${path}.tmp`, content);
  await rename(`${path}.tmp`, path);
}

/**
 * Writes results/cache-paths.{json,md}, formatted with the repo's Biome config so that `biome check`
 * passes on them. Biome is the root's dev dependency, on PATH under `pnpm bench`; without it the
 * files are still valid, only not formatted.
 */
export async function writeResults(report: Report, markdown: string): Promise<void> {
  const outputs = { json: `${resultsDir}cache-paths.json`, markdown: `${resultsDir}cache-paths.md` };
  await mkdir(resultsDir, { recursive: true });
  await writeAtomically(outputs.json, `${JSON.stringify(report, null, 2)}\n`);
  await writeAtomically(outputs.markdown, markdown);
  const result = spawnSync('biome', ['format', '--write', outputs.json, outputs.markdown], {
    cwd: packageDir,
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    console.error(
      `cache-bench: results not formatted (biome: ${result.error?.message ?? `exit ${result.status}`})`,
    );
  }
}
