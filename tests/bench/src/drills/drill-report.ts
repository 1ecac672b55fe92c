// Results of one `pnpm drills` run: results/drills-<date>.json and .md, copied to drills-latest.*.

import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DrillOptions, DrillResult } from './drill.js';

export interface DrillsReport {
  date: string;
  host: { cpus: number; node: string; loadavgStart: number[]; loadavgEnd: number[] };
  options: Omit<DrillOptions, 'only'> & { only: string[] | null };
  drills: DrillResult[];
  finalStatus: string;
}

export function passLine(result: DrillResult): string {
  const counts = Object.entries(result.counts)
    .map(([key, value]) => `${key}=${value}`)
    .join(' ');
  return `${result.pass ? 'PASS' : 'FAIL'} ${result.name}: ${counts}`;
}

export function renderDrills(report: DrillsReport): string {
  const lines = [
    `# Fault drills (${report.date.slice(0, 10)})`,
    '',
    `${report.date}, Node ${report.host.node}, ${report.host.cpus} CPUs (load ${report.host.loadavgStart.map((x) => x.toFixed(1)).join(' ')} at the start, ` +
      `${report.host.loadavgEnd.map((x) => x.toFixed(1)).join(' ')} at the end). Light load: ${report.options.rate} reads/s through nginx with drill users' tokens; ` +
      `faults last ${report.options.outageMs} ms. After the run: ${report.finalStatus}.`,
    '',
    '| drill | result | counts | restored by | s |',
    '| --- | --- | --- | --- | ---: |',
    ...report.drills.map(
      (drill) =>
        `| ${drill.name} | ${drill.pass ? 'PASS' : '**FAIL**'} | ${Object.entries(drill.counts)
          .map(([key, value]) => `${key} ${value}`)
          .join(', ')} | ${drill.restored} | ${(drill.durationMs / 1000).toFixed(0)} |`,
    ),
    '',
  ];
  for (const drill of report.drills) {
    lines.push(`## ${drill.name}: ${drill.pass ? 'PASS' : 'FAIL'}`, '');
    for (const item of drill.checks)
      lines.push(`- ${item.ok ? 'ok' : '**failed**'}: ${item.what} — ${item.detail.replaceAll('|', '\\|')}`);
    for (const note of drill.notes) lines.push(`- note: ${note}`);
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}

export async function writeDrills(report: DrillsReport, outDir: string): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  const stamp = report.date.slice(0, 10);
  const json = join(outDir, `drills-${stamp}.json`);
  const md = join(outDir, `drills-${stamp}.md`);
  await writeFile(json, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(md, renderDrills(report));
  spawnSync('pnpm', ['exec', 'biome', 'format', '--write', json, md], { cwd: outDir, stdio: 'ignore' });
  await copyFile(json, join(outDir, 'drills-latest.json'));
  await copyFile(md, join(outDir, 'drills-latest.md'));
  return [json, md];
}
