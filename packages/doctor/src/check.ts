/** The verdict of one check: pass, warn (worth a look, not broken) or fail (exit code 1). */
export type CheckStatus = 'pass' | 'warn' | 'fail';

export interface CheckResult {
  /** Stable kebab-case id, e.g. `redis-connections`. */
  id: string;
  /** One line for people. */
  title: string;
  status: CheckStatus;
  /** What was found, one short line per finding. */
  details: string[];
}

/** Worst status first: fail > warn > pass. */
export function worst(statuses: readonly CheckStatus[]): CheckStatus {
  if (statuses.includes('fail')) return 'fail';
  if (statuses.includes('warn')) return 'warn';
  return 'pass';
}
