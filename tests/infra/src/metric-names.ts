// Which metric names exist (registered in the code with prom-client, plus prom-client's default
// metrics) and which ones a PromQL expression reads, so rules and dashboards cannot drift from the code.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { repoPath } from './repo.js';

function sourceFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) {
      if (entry !== 'generated' && entry !== 'node_modules') files.push(...sourceFiles(path));
    } else if (entry.endsWith('.ts') && !entry.endsWith('.test.ts')) files.push(path);
  }
  return files;
}

const registration =
  /new (?:Counter|Gauge|Histogram|Summary)(?:<[^>]*>)?\(\{\s*name: '([a-zA-Z_:][a-zA-Z0-9_:]*)'/g;

/** Names passed to `new Counter/Gauge/Histogram/Summary({ name })` in apps/*\/src and packages/*\/src. */
export function codeMetricNames(): Set<string> {
  const names = new Set<string>();
  for (const group of ['apps', 'packages']) {
    for (const pkg of readdirSync(repoPath(group))) {
      let files: string[];
      try {
        files = sourceFiles(repoPath(group, pkg, 'src'));
      } catch {
        continue; // a package without src/
      }
      for (const file of files)
        for (const match of readFileSync(file, 'utf8').matchAll(registration)) names.add(match[1]!);
    }
  }
  return names;
}

/** What `collectDefaultMetrics` registers (service-kit calls it in every service). */
export async function defaultMetricNames(): Promise<Set<string>> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return new Set((await registry.getMetricsAsJSON()).map((metric) => metric.name));
}

/** Every series name a metric family exposes (histograms: _bucket, _count, _sum). */
export function seriesNames(families: Iterable<string>): Set<string> {
  const names = new Set<string>();
  for (const family of families)
    for (const suffix of ['', '_bucket', '_count', '_sum']) names.add(`${family}${suffix}`);
  return names;
}

const promqlWords = new Set(
  (
    'sum min max avg count stddev stdvar topk bottomk quantile count_values group by without on ignoring ' +
    'group_left group_right and or unless bool offset rate irate increase delta idelta deriv ' +
    'histogram_quantile round abs ceil floor clamp clamp_min clamp_max avg_over_time max_over_time ' +
    'min_over_time sum_over_time count_over_time absent absent_over_time vector scalar time ' +
    'label_replace label_join sort sort_desc inf nan'
  ).split(' '),
);

/** Metric (and recording rule) names an expression reads: matchers, ranges and groupings removed. */
export function namesInExpr(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const tokens = bare.match(/[a-zA-Z_:][a-zA-Z0-9_:]*/g) ?? [];
  return [...new Set(tokens.filter((token) => !promqlWords.has(token.toLowerCase())))];
}
