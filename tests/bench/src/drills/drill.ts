// What every drill gets and gives back. A drill breaks one thing under light load, counts what the
// clients met, mends it, and says PASS or FAIL from its checks.

import type { StackEnv } from '../lib/stack-env.js';
import type { DrillUser } from './drill-users.js';
import type { StackControl } from './stack-control.js';

export interface DrillOptions {
  /** Requests per second of the light load. @default 12 */
  rate: number;
  /** How long the fault lasts (Redis down, replicas stopped or paused). @default 10000 */
  outageMs: number;
  /** Generated hostile requests. @default 3000 */
  hostileCount: number;
  /** Welcome emails the worker drill makes (one registration each). @default 30 */
  workerJobs: number;
  only: Set<string> | null;
  outDir: string;
}

export interface DrillContext {
  stack: StackEnv;
  control: StackControl;
  users: DrillUser[];
  restaurantIds: string[];
  /** A restaurant no drill user has reviewed yet in this run. */
  nextRestaurant(): string;
  options: DrillOptions;
  log(line: string): void;
}

export interface Check {
  what: string;
  ok: boolean;
  detail: string;
}

export interface DrillResult {
  name: string;
  pass: boolean;
  /** The counts the PASS/FAIL line prints. */
  counts: Record<string, number>;
  checks: Check[];
  restored: string;
  durationMs: number;
  notes: string[];
}

export type Drill = (context: DrillContext) => Promise<Omit<DrillResult, 'name' | 'pass' | 'durationMs'>>;

export const check = (what: string, ok: boolean, detail: string): Check => ({ what, ok, detail });
