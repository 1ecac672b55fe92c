// infra/grafana: provisioning points at the dashboards the compose file mounts, every dashboard is
// well-formed, and every query is valid PromQL (promtool) on metrics that exist.
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { codeMetricNames, defaultMetricNames, namesInExpr, seriesNames } from './metric-names.js';
import { readText, readYaml, repoPath } from './repo.js';
import { runTool, systemBinary } from './run-tool.js';

interface Dashboard {
  uid: string;
  title: string;
  panels: Array<{ title: string; datasource: { uid: string }; targets: Array<{ expr: string }> }>;
}

const files = readdirSync(repoPath('infra', 'grafana', 'dashboards')).filter((file) =>
  file.endsWith('.json'),
);
const dashboards = files.map(
  (file) => [file, JSON.parse(readText('infra', 'grafana', 'dashboards', file)) as Dashboard] as const,
);
const exprs = dashboards.flatMap(([, d]) =>
  d.panels.flatMap((panel) =>
    panel.targets.map((t) => ({ panel: `${d.uid}: ${panel.title}`, expr: t.expr })),
  ),
);

describe('grafana provisioning', () => {
  it('has the four dashboards: API, cache, database, queues', () => {
    expect(files.sort()).toEqual(['api.json', 'cache.json', 'database.json', 'queues.json']);
  });

  it('loads the dashboards from where docker-compose.scaling.yml mounts them', () => {
    const provider = readYaml<{ providers: Array<{ options: { path: string } }> }>(
      'infra',
      'grafana',
      'provisioning',
      'dashboards',
      'tablestack.yml',
    );
    const mounts = readYaml<{ services: { grafana: { volumes: string[] } } }>('docker-compose.scaling.yml')
      .services.grafana.volumes;
    expect(mounts).toContain(`./infra/grafana/dashboards:${provider.providers[0]!.options.path}:ro`);
  });

  it.each(dashboards)('%s: unique uid, every panel on the provisioned datasource', (_file, dashboard) => {
    const datasource = readYaml<{ datasources: Array<{ uid: string; url: string }> }>(
      'infra',
      'grafana',
      'provisioning',
      'datasources',
      'prometheus.yml',
    ).datasources[0]!;
    expect(datasource.url).toBe('http://prometheus:9090');
    expect(dashboards.filter(([, other]) => other.uid === dashboard.uid)).toHaveLength(1);
    expect(dashboard.panels.length).toBeGreaterThan(3);
    for (const panel of dashboard.panels) {
      expect(panel.datasource.uid, panel.title).toBe(datasource.uid);
      expect(panel.targets.length, panel.title).toBeGreaterThan(0);
    }
  });
});

describe('dashboard queries', () => {
  it('are valid PromQL (promtool check rules on them as recording rules)', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tablestack-grafana-')), 'queries.yml');
    writeFileSync(
      file,
      stringify({
        groups: [
          { name: 'dashboards', rules: exprs.map(({ expr }, i) => ({ record: `dashboard:q${i}`, expr })) },
        ],
      }),
    );
    const result = runTool(systemBinary('promtool'), ['check', 'rules', file]);
    expect(result.status, result.output).toBe(0);
    expect(result.output).toContain(`${exprs.length} rules found`);
  });

  it('read only metrics the code registers or recording rules of infra/prometheus/rules', async () => {
    const known = seriesNames([...codeMetricNames(), ...(await defaultMetricNames()), 'up']);
    const recorded = new Set(
      readdirSync(repoPath('infra', 'prometheus', 'rules')).flatMap((file) =>
        readYaml<{ groups: Array<{ rules: Array<{ record?: string }> }> }>(
          'infra',
          'prometheus',
          'rules',
          file,
        ).groups.flatMap((group) => group.rules.flatMap((rule) => (rule.record ? [rule.record] : []))),
      ),
    );
    const unknown = exprs.flatMap(({ panel, expr }) =>
      namesInExpr(expr)
        .filter((name) => (name.includes(':') ? !recorded.has(name) : !known.has(name)))
        .map((name) => `${panel}: ${name}`),
    );
    expect(unknown).toEqual([]);
  });
});
