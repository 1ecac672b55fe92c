// infra/prometheus: promtool (Debian's prometheus package) checks the compose scrape config and the
// rules and runs the rules' unit tests; the rules read only metrics the code registers.
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { codeMetricNames, defaultMetricNames, namesInExpr, seriesNames } from './metric-names.js';
import { readText, readYaml, repoPath } from './repo.js';
import { runTool, systemBinary } from './run-tool.js';

interface Rule {
  record?: string;
  alert?: string;
  expr: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface RuleFile {
  groups: Array<{ name: string; rules: Rule[] }>;
}

const dir = repoPath('infra', 'prometheus');
const ruleFiles = readdirSync(join(dir, 'rules'))
  .filter((file) => file.endsWith('.yml'))
  .map((file) => `rules/${file}`);
const rules = ruleFiles.flatMap((file) =>
  readYaml<RuleFile>('infra', 'prometheus', file).groups.flatMap((g) => g.rules),
);
const alerts = rules.filter((rule) => rule.alert);
const recorded = new Set(rules.flatMap((rule) => (rule.record ? [rule.record] : [])));

let promtool: string;
beforeAll(() => {
  promtool = systemBinary('promtool');
});

describe('promtool', () => {
  it('accepts the compose scrape config (and the rule files it loads)', () => {
    const result = runTool(promtool, ['check', 'config', 'prometheus.compose.yml'], { cwd: dir });
    expect(result.status, result.output).toBe(0);
    expect(result.output).toContain(`${ruleFiles.length} rule files found`);
  });

  it('accepts every rule file', () => {
    const result = runTool(promtool, ['check', 'rules', ...ruleFiles], { cwd: dir });
    expect(result.status, result.output).toBe(0);
  });

  it("passes the rules' unit tests (tests/*.test.yml)", () => {
    const tests = readdirSync(join(dir, 'tests')).filter((file) => file.endsWith('.test.yml'));
    expect(tests.length).toBeGreaterThan(0);
    const result = runTool(promtool, ['test', 'rules', ...tests.map((file) => `tests/${file}`)], {
      cwd: dir,
    });
    expect(result.status, result.output).toBe(0);
    expect(result.output).toContain('SUCCESS');
  });

  // The checks above only mean something if promtool really refuses bad input.
  it('rejects a rule with a broken expression', () => {
    const bad = join(mkdtempSync(join(tmpdir(), 'tablestack-rules-')), 'bad.yml');
    writeFileSync(
      bad,
      'groups:\n  - name: bad\n    rules:\n      - record: x:y\n        expr: sum by (service (up)\n',
    );
    const result = runTool(promtool, ['check', 'rules', bad]);
    expect(result.status).not.toBe(0);
  });
});

describe('rules', () => {
  it('alert on the thresholds users asked for: p95 > 2 s, 5xx > 5%, cache hits < 70%', () => {
    const byName = new Map(alerts.map((rule) => [rule.alert, rule.expr]));
    expect(byName.get('TablestackHighLatencyP95')).toMatch(/p95_5m > 2$/);
    expect(byName.get('TablestackHighErrorRate')).toMatch(/ratio_rate5m > 0\.05\b/);
    expect(byName.get('TablestackLowCacheHitRate')).toMatch(/hit_ratio:rate5m < 0\.7\b/);
  });

  it.each(alerts.map((rule) => [rule.alert!, rule] as const))(
    '%s has a severity, a summary and a runbook section',
    (name, rule) => {
      expect(['page', 'warning']).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary).toBeTruthy();
      expect(rule.annotations?.runbook).toBe(`docs/operations.md#${name.toLowerCase()}`);
      expect(readText('docs', 'operations.md')).toMatch(new RegExp(`^#+ ${name}$`, 'm'));
    },
  );

  it('every alert has a promtool unit test', () => {
    const tested = new Set<string>();
    for (const file of readdirSync(join(dir, 'tests')).filter((f) => f.endsWith('.test.yml'))) {
      const suite = parse(readText('infra', 'prometheus', 'tests', file)) as {
        tests: Array<{ alert_rule_test?: Array<{ alertname: string; exp_alerts: unknown[] }> }>;
      };
      for (const test of suite.tests)
        for (const case_ of test.alert_rule_test ?? [])
          if (case_.exp_alerts.length > 0) tested.add(case_.alertname);
    }
    expect([...alerts.map((rule) => rule.alert)].filter((name) => !tested.has(name!))).toEqual([]);
  });

  it('read only metrics the code registers (or recording rules defined here)', async () => {
    const known = seriesNames([...codeMetricNames(), ...(await defaultMetricNames()), 'up']);
    // Not vacuous: the families the rules are about are found in the code.
    for (const family of [
      'http_request_duration_seconds',
      'cache_events_total',
      'db_pool_connections',
      'bullmq_jobs',
    ])
      expect(known.has(family), family).toBe(true);
    const unknown = rules.flatMap((rule) =>
      namesInExpr(rule.expr)
        .filter((name) => (name.includes(':') ? !recorded.has(name) : !known.has(name)))
        .map((name) => `${rule.record ?? rule.alert}: ${name}`),
    );
    expect(unknown).toEqual([]);
  });
});
