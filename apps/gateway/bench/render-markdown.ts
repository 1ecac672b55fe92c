// results/gateway-overhead.md: the table of every case and a few plain sentences on the goal.

import type { CaseSummary, Report, Route, Via } from './report.js';

const routeLabel: Record<Route, string> = { restaurant: 'restaurant by id', health: 'health' };

function connectionsCell(summary: CaseSummary): string {
  const { opened, openedPer1000Requests, openAfterSliceMedian } = summary.upstreamConnections;
  if (opened !== null) return `${opened} (${openedPer1000Requests}/1000 req)`;
  if (openAfterSliceMedian !== null) return `${openAfterSliceMedian} open (ss)`;
  return '–';
}

function table(report: Report): string[] {
  const lines = [
    '| case | route | conns | req/s | p50 ms | p99 ms | ÷ direct | per round | upstream conns opened | non-2xx / errors |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const c of report.cases) {
    lines.push(
      `| ${c.name} | ${routeLabel[c.route]} | ${c.connections} | ${c.okPerSecond} | ${c.p50Ms} | ${c.p99Ms} | ` +
        `${c.vsDirect.value} | ${c.vsDirect.perRound.min}–${c.vsDirect.perRound.max} | ${connectionsCell(c)} | ` +
        `${c.non2xx} / ${c.errors} |`,
    );
  }
  return lines;
}

function reading(report: Report): string[] {
  const { goal } = report;
  const find = (via: Via, route: Route, connections: number) =>
    report.cases.find((c) => c.via === via && c.route === route && c.connections === connections);
  const verdict = {
    met: 'met in this run, in the totals and in the median round',
    borderline:
      "met in this run's totals only: the median round is below it, so the margin is within this machine's noise",
    'not met': 'NOT met in this run',
  }[goal.verdict];
  const lines = [
    `Through one gateway with its keep-alive agent, GET /api/v1/restaurants/:id reaches ${goal.value} of the ` +
      `throughput of the service hit directly with ${goal.connections} connections (per round ` +
      `${goal.perRound.min}–${goal.perRound.max}, median ${goal.perRound.median}): the issue's goal of at least ` +
      `${goal.target} is ${verdict}.`,
  ];
  for (const level of report.ratios) {
    const n = level.connections;
    const noKa = level.noKeepAliveRestaurantVsKeepAlive;
    const keepAlive = find('gateway', 'restaurant', n)?.upstreamConnections;
    const without = find('gateway-no-keep-alive', 'restaurant', n)?.upstreamConnections;
    const parts: string[] = [];
    if (n !== goal.connections && level.gatewayRestaurantVsDirect) {
      parts.push(`gateway ÷ direct is ${level.gatewayRestaurantVsDirect.value}`);
    }
    if (noKa && keepAlive && without) {
      parts.push(
        `without keep-alive the gateway reaches ${noKa.value} of the keep-alive one (per round ` +
          `${noKa.perRound.min}–${noKa.perRound.max}) and opens ${without.opened} upstream connections ` +
          `(${without.openedPer1000Requests} per 1000 requests) where the keep-alive agent opened ` +
          `${keepAlive.opened} (${keepAlive.openedPer1000Requests} per 1000)`,
      );
    }
    if (level.nginxRestaurantVsDirect) {
      parts.push(
        `nginx in front (the stack's template) gives ${level.nginxRestaurantVsDirect.value} of direct`,
      );
    }
    if (parts.length > 0) lines.push(`With ${n} connections, ${parts.join('; ')}.`);
  }
  return lines;
}

function notes(report: Report): string[] {
  const notes = report.skipped.map((skip) => `Not measured: ${skip.case}: ${skip.reason}.`);
  const agent = report.parameters.gateways.keepAlive.agent;
  for (const header of report.parameters.serviceKeepAlive) {
    const seconds = Number(/timeout=(\d+)/.exec(header ?? '')?.[1]);
    if (agent.timeout !== undefined && Number.isFinite(seconds) && seconds * 1000 <= agent.timeout) {
      notes.push(
        `The restaurant-service answers \`Keep-Alive: ${header}\`, shorter than the gateway agent's ` +
          `${agent.timeout / 1000} s idle timeout. Node's agent follows the hint (it drops an idle socket 1 s ` +
          'before the server would), so no request hits a closing connection, but connections idle longer ' +
          `than ${seconds - 1} s are reopened: each keep-alive case reopens its connections in a round after ` +
          'the other cases ran. service-kit sets 65 s; a service that advertises less runs an older build.',
      );
    }
  }
  const churned = report.cases.filter((c) => {
    const perSlice = c.upstreamConnections.openedPerSlice;
    return c.via !== 'gateway-no-keep-alive' && perSlice?.some((n) => n > c.connections);
  });
  if (churned.length > 0) {
    const list = churned.map(
      (c) =>
        `${c.name}, ${routeLabel[c.route]}, ${c.connections} connections: ` +
        `${c.upstreamConnections.openedPerSlice!.join(', ')}`,
    );
    notes.push(
      'With keep-alive, some cases opened more upstream connections in a slice than they had requests in ' +
        `flight (${list.join('; ')}): sockets were closed and reopened under load. The agent keeps at most ` +
        `maxFreeSockets = ${agent.maxFreeSockets} idle sockets and closes every socket freed beyond that, so ` +
        'with more requests in flight than that its pool churns.',
    );
  }
  for (const c of report.cases.filter((c) => c.non2xx > 0 || c.errors > 0)) {
    notes.push(
      `Warning: ${c.name} (${routeLabel[c.route]}, ${c.connections} connections) had ${c.non2xx} non-2xx answers ` +
        `and ${c.errors} errors (${JSON.stringify(c.statusCodes)}); its req/s counts 2xx only.`,
    );
  }
  return notes;
}

export function renderMarkdown(report: Report): string {
  const { parameters, host, versions } = report;
  const lines = [
    `# Gateway overhead: restaurant-service direct vs through the gateway (${report.date.slice(0, 10)})`,
    '',
    `Node ${report.node}, autocannon ${versions.autocannon}, express ${versions.express}, ` +
      `http-proxy-middleware ${versions.httpProxyMiddleware}, ${versions.nginx ?? 'no nginx'}; ${host.cpus} CPUs, ` +
      `load ${host.loadavgStart.join(' ')} at the start. ${parameters.rounds} rounds × ${parameters.sliceMs} ms ` +
      `per case, interleaved, after ${parameters.warmupMs} ms warmup. "÷ direct" is 2xx/s over 2xx/s of the ` +
      'same route hit directly with as many connections in this run; "per round" is the min–max of that ratio ' +
      "over the rounds. Upstream connections: opened by the in-process gateway's agent during the measured slices.",
    '',
    ...table(report),
    '',
    '## Reading',
    '',
    ...reading(report),
    '',
  ];
  const notesLines = notes(report);
  if (notesLines.length > 0) lines.push('## Notes', '', ...notesLines.map((note) => `- ${note}`), '');
  return lines.join('\n');
}
