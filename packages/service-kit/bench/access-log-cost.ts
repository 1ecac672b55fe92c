// Access-log cost: CPU time per request of a minimal Express 5 app without an access log, with
// pino-http (what service-kit used before) and with service-kit's requestLogger. CPU per request
// from /proc/<pid>/stat rather than requests/s: on a shared 2-core machine req/s swings 2-3x between
// runs, CPU time per request far less. Variants run interleaved in every round; medians are compared.
//   pnpm --filter @tablestack/service-kit bench [--rounds 8] [--requests 3000] [--connections 16]
import { type ChildProcess, fork } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '8' },
    requests: { type: 'string', default: '3000' },
    connections: { type: 'string', default: '16' },
  },
});
const rounds = Number(values.rounds);
const requests = Number(values.requests);
const connections = Number(values.connections);
const variants = ['none', 'pino-http', 'request-logger'] as const;
type Variant = (typeof variants)[number];

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND; // utime + stime
}

async function start(variant: Variant): Promise<{ child: ChildProcess; url: string }> {
  const child = fork(new URL('./access-log-server.ts', import.meta.url), [variant], {
    execArgv: ['--import', 'tsx'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message) => resolve((message as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`${variant} server exited with ${code}`)));
  });
  return { child, url: `http://127.0.0.1:${port}/item` };
}

const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;
const servers = new Map<Variant, { child: ChildProcess; url: string }>();
for (const variant of variants) servers.set(variant, await start(variant));
const perRequestUs = new Map<Variant, number[]>(variants.map((variant) => [variant, []]));
try {
  // The first round warms the JIT and is not counted.
  for (let round = 0; round <= rounds; round += 1) {
    const order = variants.map((_, i) => variants[(i + round) % variants.length]!);
    for (const variant of order) {
      const { child, url } = servers.get(variant)!;
      const before = cpuMs(child.pid!);
      const result = await autocannon({ url, connections, amount: requests });
      if (result.non2xx > 0 || result.errors > 0)
        throw new Error(`${variant}: ${result.non2xx} non-2xx, ${result.errors} errors`);
      if (round > 0)
        perRequestUs.get(variant)!.push(((cpuMs(child.pid!) - before) * 1000) / result.requests.total);
    }
  }
} finally {
  for (const { child } of servers.values()) child.kill();
}

const baseline = median(perRequestUs.get('none')!);
const rows = variants.map((variant) => {
  const values = perRequestUs.get(variant)!;
  return {
    variant,
    medianUs: Math.round(median(values)),
    logCostUs: Math.round(median(values) - baseline),
    rounds: values.map(Math.round),
  };
});
const results = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: cpus().length,
  load: loadavg().map((value) => Number(value.toFixed(1))),
  parameters: { rounds, requests, connections },
  rows,
};
const dir = new URL('./results/', import.meta.url);
writeFileSync(new URL('access-log-cost.json', dir), `${JSON.stringify(results, null, 2)}\n`);
const table = [
  `# Access-log cost (${results.date.slice(0, 10)})`,
  '',
  `Node ${results.node}, ${results.cpus} CPUs, load ${results.load.join(' ')}; ${rounds} rounds × ${requests} requests, ${connections} connections, interleaved. CPU time of the server process per request (µs); "log cost" is the median minus the no-log median of this run.`,
  '',
  '| variant | median µs/request | log cost µs | per round |',
  '| --- | ---: | ---: | --- |',
  ...rows.map((row) => `| ${row.variant} | ${row.medianUs} | ${row.logCostUs} | ${row.rounds.join(' ')} |`),
  '',
].join('\n');
writeFileSync(new URL('access-log-cost.md', dir), table);
process.stdout.write(`${table}\n`);
