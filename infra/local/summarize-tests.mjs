#!/usr/bin/env node
// Summary of a test run, for ./stack test (and CI, which reads its last line).
//
// Reads the vitest JSON reports every package writes (apps/*/.reports/*.json, packages/*/.reports/*.json,
// tests/*/.reports/*.json), prints one table row per package and report, and then, alone on the last
// line: `tests: <N> passed, <M> failed` plus `, <K> skipped` when K > 0 (skipped = pending + todo).
// Exit status 1 when M > 0, N == 0, a report is unreadable, or a report says success=false (e.g. a test
// file that failed to load counts no failed test but fails the run).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

function reportFiles() {
  const files = [];
  for (const group of ['apps', 'packages', 'tests']) {
    const groupDir = join(root, group);
    if (!existsSync(groupDir)) continue;
    for (const entry of readdirSync(groupDir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const reports = join(groupDir, entry.name, '.reports');
      if (!existsSync(reports)) continue;
      for (const file of readdirSync(reports).sort()) {
        if (file.endsWith('.json'))
          files.push({ pkg: `${group}/${entry.name}`, file: join(reports, file), name: file });
      }
    }
  }
  return files;
}

const count = (value) => (Number.isFinite(value) ? value : 0);

const rows = [];
let problems = 0;
for (const { pkg, file, name } of reportFiles()) {
  try {
    const report = JSON.parse(readFileSync(file, 'utf8'));
    const row = {
      pkg,
      report: name.replace(/\.json$/, ''),
      passed: count(report.numPassedTests),
      failed: count(report.numFailedTests),
      skipped: count(report.numPendingTests) + count(report.numTodoTests),
      total: count(report.numTotalTests),
      ok: report.success === true && count(report.numFailedTests) === 0,
    };
    if (!row.ok && row.failed === 0) {
      const suites = count(report.numFailedTestSuites);
      row.note =
        suites > 0
          ? `${suites} test file(s) failed to run`
          : row.total === 0
            ? 'no tests found'
            : 'run failed';
    }
    if (!row.ok) problems++;
    rows.push(row);
  } catch (error) {
    rows.push({
      pkg,
      report: name,
      passed: 0,
      failed: 0,
      skipped: 0,
      total: 0,
      ok: false,
      note: `unreadable: ${error.message}`,
    });
    problems++;
  }
}

const header = ['package', 'report', 'passed', 'failed', 'skipped', 'total', 'result'];
const table = rows.map((r) => [
  r.pkg,
  r.report,
  r.passed,
  r.failed,
  r.skipped,
  r.total,
  r.ok ? 'ok' : `FAIL${r.note ? ` (${r.note})` : ''}`,
]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((cells) => String(cells[i]).length)));
const line = (cells) =>
  cells
    .map((c, i) => (i >= 2 && i <= 5 ? String(c).padStart(widths[i]) : String(c).padEnd(widths[i])))
    .join('  ')
    .trimEnd();

const sum = (key) => rows.reduce((total, r) => total + r[key], 0);
const passed = sum('passed');
const failed = sum('failed');
const skipped = sum('skipped');

if (rows.length === 0) {
  console.log(
    'no test reports found (expected apps/*/.reports/*.json, packages/*/.reports/*.json, tests/*/.reports/*.json)',
  );
} else {
  console.log(line(header));
  for (const cells of table) console.log(line(cells));
}
if (passed === 0) console.log('no test passed: a run without passing tests is a failed run');
console.log(`tests: ${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
process.exitCode = failed > 0 || passed === 0 || problems > 0 ? 1 : 0;
