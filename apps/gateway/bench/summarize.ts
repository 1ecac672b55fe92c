// From the slices of every case to the figures of the report: 2xx/s, merged latency percentiles,
// connections opened, and ratios over the run and within each round.

import { okPerSecond, summarizeLoad } from './load-slice.js';
import type { BenchCase, CaseSummary, LevelRatios, Ratio, Route, SliceRecord, Via } from './report.js';

const round3 = (value: number) => Math.round(value * 1000) / 1000;
export const round1 = (value: number) => Math.round(value * 10) / 10;
const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

/** Nearest-rank median (the lower middle of an even count), as packages/db/bench does. */
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

function rate(slices: SliceRecord[]): number {
  const ok = sum(slices.map((slice) => slice.raw['2xx']));
  const seconds = sum(slices.map((slice) => slice.raw.duration));
  return seconds > 0 ? ok / seconds : 0;
}

/** 2xx/s of `records` over 2xx/s of `reference`, over the run and round by round. */
export function ratio(records: SliceRecord[], reference: SliceRecord[]): Ratio {
  const rounds = records.map((record, round) => okPerSecond(record.raw) / okPerSecond(reference[round]!.raw));
  return {
    value: round3(rate(records) / rate(reference)),
    perRound: {
      median: round3(median(rounds)),
      min: round3(Math.min(...rounds)),
      max: round3(Math.max(...rounds)),
    },
  };
}

/** The slices of every case, with a lookup by what a case is. */
export class RunRecords {
  constructor(
    readonly cases: BenchCase[],
    readonly records: SliceRecord[][],
  ) {}

  find(via: Via, route: Route, connections: number): SliceRecord[] | undefined {
    const index = this.cases.findIndex(
      (c) => c.via === via && c.route === route && c.connections === connections,
    );
    return index === -1 ? undefined : this.records[index];
  }

  ratio(via: Via, reference: Via, route: Route, connections: number): Ratio | null {
    const measured = this.find(via, route, connections);
    const base = this.find(reference, route, connections);
    return measured && base ? ratio(measured, base) : null;
  }

  levelRatios(connections: number): LevelRatios {
    return {
      connections,
      gatewayRestaurantVsDirect: this.ratio('gateway', 'direct', 'restaurant', connections),
      gatewayHealthVsDirect: this.ratio('gateway', 'direct', 'health', connections),
      nginxRestaurantVsDirect: this.ratio('nginx', 'direct', 'restaurant', connections),
      nginxHealthVsDirect: this.ratio('nginx', 'direct', 'health', connections),
      stackNginxHealthVsDirect: this.ratio('stack-nginx', 'direct', 'health', connections),
      noKeepAliveRestaurantVsKeepAlive: this.ratio(
        'gateway-no-keep-alive',
        'gateway',
        'restaurant',
        connections,
      ),
      noKeepAliveHealthVsKeepAlive: this.ratio('gateway-no-keep-alive', 'gateway', 'health', connections),
    };
  }

  summarize(): CaseSummary[] {
    const directP50 = new Map<string, number>();
    this.cases.forEach((benchCase, i) => {
      if (benchCase.via !== 'direct') return;
      const load = summarizeLoad(
        this.records[i]!.map((record) => record.raw),
        benchCase,
      );
      directP50.set(`${benchCase.route}@${benchCase.connections}`, load.p50Ms);
    });
    return this.cases.map((benchCase, i) => {
      const records = this.records[i]!;
      const direct = this.find('direct', benchCase.route, benchCase.connections)!;
      const p50 = directP50.get(`${benchCase.route}@${benchCase.connections}`)!;
      return summarizeCase(benchCase, records, direct, p50);
    });
  }
}

function summarizeCase(
  benchCase: BenchCase,
  records: SliceRecord[],
  direct: SliceRecord[],
  directP50Ms: number,
): CaseSummary {
  const load = summarizeLoad(
    records.map((record) => record.raw),
    benchCase,
  );
  const openedPerSlice = benchCase.gateway ? records.map((record) => record.upstreamOpened ?? 0) : null;
  const opened = openedPerSlice ? sum(openedPerSlice) : null;
  const stackOpen = records
    .map((record) => record.stackConnectionsOpen)
    .filter((n): n is number => typeof n === 'number');
  return {
    name: benchCase.name,
    route: benchCase.route,
    via: benchCase.via,
    connections: benchCase.connections,
    urls: benchCase.urls,
    ok: load.ok,
    okPerSecond: round1(load.okPerSecond),
    p50Ms: load.p50Ms,
    p99Ms: load.p99Ms,
    meanMs: round3(load.meanMs),
    non2xx: load.non2xx,
    errors: load.errors,
    timeouts: load.timeouts,
    statusCodes: load.statusCodes,
    upstreamConnections: {
      opened,
      openedPerSlice,
      openedPer1000Requests: opened === null || load.ok === 0 ? null : round1((opened * 1000) / load.ok),
      openAfterSliceMedian: stackOpen.length > 0 ? median(stackOpen) : null,
    },
    clientConnectionsAccepted: benchCase.gateway
      ? sum(records.map((record) => record.clientAccepted ?? 0))
      : null,
    vsDirect: { ...ratio(records, direct), p50: round3(load.p50Ms / directP50Ms) },
  };
}
