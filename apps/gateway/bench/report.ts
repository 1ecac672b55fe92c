// The shapes of the gateway-overhead benchmark: its cases, what each slice records, and the report
// written to results/gateway-overhead.json (and rendered to the .md).

import type { GatewayDescription, GatewayName } from './in-process-gateways.js';
import type { RawSlice } from './load-slice.js';

export type Route = 'restaurant' | 'health';
export type Via = 'direct' | 'gateway' | 'gateway-no-keep-alive' | 'nginx' | 'stack-nginx';

export interface BenchCase {
  name: string;
  route: Route;
  via: Via;
  /** autocannon connections, each with one request in flight. */
  connections: number;
  urls: string[];
  /** The in-process gateway behind this case, whose connection counters are read around each slice. */
  gateway?: GatewayName;
  /** Sample the other processes' connections to the service with `ss` after each slice. */
  sampleStack?: boolean;
}

export interface SliceRecord {
  raw: RawSlice;
  upstreamOpened?: number;
  clientAccepted?: number;
  stackConnectionsOpen?: number | null;
}

export interface Ratio {
  /** Over the whole run: 2xx/s of the case ÷ 2xx/s of the reference. */
  value: number;
  /** The same ratio within each round, where both ran under the same noise. */
  perRound: { median: number; min: number; max: number };
}

export interface CaseSummary {
  name: string;
  route: Route;
  via: Via;
  connections: number;
  urls: string[];
  /** 2xx responses, and per second of load. */
  ok: number;
  okPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  upstreamConnections: {
    /** TCP connections the in-process gateway's agent opened to the service during the measured slices. */
    opened: number | null;
    openedPerSlice: number[] | null;
    openedPer1000Requests: number | null;
    /** For the stack's gateway: other processes' established connections to the service after each slice (ss). */
    openAfterSliceMedian: number | null;
  };
  /** Client connections the in-process gateway accepted (autocannon's, or nginx's upstream ones). */
  clientConnectionsAccepted: number | null;
  /** Against the same route hit directly with as many connections; p50 is a ratio of latencies. */
  vsDirect: Ratio & { p50: number };
}

/** The ratios the issue asks about, at one number of connections. */
export interface LevelRatios {
  connections: number;
  gatewayRestaurantVsDirect: Ratio | null;
  gatewayHealthVsDirect: Ratio | null;
  nginxRestaurantVsDirect: Ratio | null;
  nginxHealthVsDirect: Ratio | null;
  stackNginxHealthVsDirect: Ratio | null;
  noKeepAliveRestaurantVsKeepAlive: Ratio | null;
  noKeepAliveHealthVsKeepAlive: Ratio | null;
}

export interface Report {
  benchmark: 'gateway-overhead';
  date: string;
  durationSeconds: number;
  node: string;
  versions: { autocannon: string; express: string; httpProxyMiddleware: string; nginx: string | null };
  host: { platform: string; cpus: number; cpuModel: string; loadavgStart: number[]; loadavgEnd: number[] };
  parameters: {
    rounds: number;
    sliceMs: number;
    warmupMs: number;
    connections: number[];
    restaurantId: string;
    restaurantServiceUrls: string[];
    gateways: Record<GatewayName, GatewayDescription>;
    /** What the service advertises on its keep-alive responses (its idle timeout). */
    serviceKeepAlive: Array<string | null>;
    gatewayLogLevel: string;
  };
  /**
   * Issue 5: through the gateway, at least `target` of the direct throughput (first connection count).
   * `met` on the run's totals; `verdict` also asks the median round: 'borderline' when only the totals
   * reach the target.
   */
  goal: Ratio & {
    connections: number;
    target: number;
    met: boolean;
    verdict: 'met' | 'borderline' | 'not met';
  };
  ratios: LevelRatios[];
  skipped: Array<{ case: string; reason: string }>;
  cases: CaseSummary[];
}
