import type { CheckResult } from './check.js';

export interface DoctorReport {
  checks: CheckResult[];
  /** 0–100: a pass counts 1, a warn 0.5, a fail 0. */
  score: number;
  passed: number;
  warned: number;
  failed: number;
}

export function summarize(checks: CheckResult[]): DoctorReport {
  const count = (status: CheckResult['status']) => checks.filter((check) => check.status === status).length;
  const passed = count('pass');
  const warned = count('warn');
  const failed = count('fail');
  const score = checks.length === 0 ? 0 : Math.round((100 * (passed + warned / 2)) / checks.length);
  return { checks, score, passed, warned, failed };
}

const LABEL = { pass: 'PASS', warn: 'WARN', fail: 'FAIL' } as const;

/** The report for a terminal: one line per check, its findings indented, the score last. */
export function formatReport(report: DoctorReport, heading: string): string {
  const lines = [heading];
  const width = Math.max(...report.checks.map((check) => check.title.length));
  for (const check of report.checks) {
    lines.push(`  ${LABEL[check.status]}  ${check.title.padEnd(width)}  ${check.details[0] ?? ''}`);
    for (const detail of check.details.slice(1)) lines.push(`        ${' '.repeat(width)}  ${detail}`);
  }
  lines.push(
    `score: ${report.score}/100 (${report.passed} pass, ${report.warned} warn, ${report.failed} fail)`,
  );
  return lines.join('\n');
}
