// infra/docker/app.Dockerfile cannot be built here (no Docker engine): its inputs are checked instead.
// `turbo prune --docker` (its first stage) runs for real for every app.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { apps, readText, repoPath } from './repo.js';
import { runTool, workspaceBinary } from './run-tool.js';

const dockerfile = readText('infra', 'docker', 'app.Dockerfile');
const rootPackage = JSON.parse(readText('package.json')) as {
  packageManager: string;
  engines: { node: string };
  devDependencies: Record<string, string>;
};

describe('app.Dockerfile', () => {
  it('installs the pnpm and turbo versions the repo pins', () => {
    expect(dockerfile).toContain(`pnpm@${rootPackage.packageManager.replace('pnpm@', '')} `);
    expect(dockerfile).toContain(`turbo@${rootPackage.devDependencies.turbo} `);
  });

  it('runs on Node 20 LTS slim, as the non-root node user, with a HEALTHCHECK', () => {
    expect(rootPackage.engines.node).toMatch(/^>=20\./);
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:20-bookworm-slim$/m);
    const production = dockerfile.slice(dockerfile.indexOf('AS production\n'));
    expect(production).toMatch(/^USER node$/m);
    expect(production).toMatch(/^HEALTHCHECK /m);
    expect(production).toMatch(/^CMD \["node", "dist\/index\.js"\]$/m);
  });

  it('copies from the build context only files that exist', () => {
    const copies = [...dockerfile.matchAll(/^COPY (?!--from)(\S+) /gm)].map((match) => match[1]!);
    expect(copies).toContain('tsconfig.base.json');
    for (const path of copies.filter((p) => p !== '.')) expect(existsSync(repoPath(path)), path).toBe(true);
  });

  it('keeps dependencies, builds and secrets out of the build context (.dockerignore)', () => {
    const ignored = readText('.dockerignore').split('\n');
    for (const entry of ['**/node_modules', '**/dist', '.stack', '.env', 'infra/compose/compose.env'])
      expect(ignored, entry).toContain(entry);
  });

  it.each(apps)('turbo prune --docker works for %s', (app) => {
    const out = join(mkdtempSync(join(tmpdir(), 'tablestack-prune-')), 'out');
    const result = runTool(
      workspaceBinary('turbo'),
      ['prune', `@tablestack/${app}`, '--docker', '--out-dir', out],
      {
        env: { TURBO_TELEMETRY_DISABLED: '1' },
      },
    );
    expect(result.status, result.output).toBe(0);
    for (const path of [
      'json/pnpm-lock.yaml',
      'json/pnpm-workspace.yaml',
      `json/apps/${app}/package.json`,
      `full/apps/${app}/src/index.ts`,
      'full/turbo.json',
    ])
      expect(existsSync(join(out, path)), path).toBe(true);
  });
});
