// docker-compose.scaling.yml: dclint (schema + rules, config in .dclintrc) and the properties the
// topology relies on, read from the file itself. No Docker engine is needed.
import { copyFileSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { apps, readText, readYaml, repoPath } from './repo.js';
import { runTool, workspaceBinary } from './run-tool.js';

interface Service {
  build?: { context: string; dockerfile: string; target?: string; args?: Record<string, string> };
  image?: string;
  command?: string[];
  restart?: string;
  depends_on?: Record<string, { condition: string }>;
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  volumes?: string[];
  deploy?: {
    replicas?: string | number;
    resources?: {
      limits?: { cpus?: string; memory?: string };
      reservations?: { cpus?: string; memory?: string };
    };
  };
}
interface Compose {
  name: string;
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
}

const file = 'docker-compose.scaling.yml';
const compose = readYaml<Compose>(file);
const service = (name: string): Service => {
  const found = compose.services[name];
  if (!found) throw new Error(`${file} has no service ${name}`);
  return found;
};
/** The default of `${NAME:-default}`. */
const defaultOf = (value: string | number | undefined): string => {
  const match = /^\$\{[A-Z_]+:-(.*)\}$/.exec(String(value));
  if (!match) throw new Error(`expected \${NAME:-default}, got ${value}`);
  return match[1]!;
};

describe('dclint', () => {
  it(`accepts ${file}`, () => {
    const result = runTool(workspaceBinary('dclint'), [file]);
    expect(result.status, result.output).toBe(0);
  });

  it('rejects a compose file it should (the check is live)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tablestack-dclint-'));
    copyFileSync(repoPath('.dclintrc'), join(dir, '.dclintrc'));
    writeFileSync(
      join(dir, 'compose.yml'),
      "name: bad\nservices:\n  app:\n    build: .\n    image: app:1.0\n    ports:\n      - '8080:8080'\n",
    );
    const result = runTool(workspaceBinary('dclint'), ['compose.yml'], { cwd: dir });
    expect(result.status).not.toBe(0);
    expect(result.output).toMatch(/no-build-and-image|no-unbound-port-interfaces/);
  });
});

describe.each(apps)('service %s', (app) => {
  const svc = service(app);

  it('is built from the shared Dockerfile for this app', () => {
    expect(svc.build?.dockerfile).toBe('infra/docker/app.Dockerfile');
    expect(svc.build?.args?.APP).toBe(app);
    expect(JSON.parse(readText('apps', app, 'package.json')).main).toBe('dist/index.js');
  });

  it('has replicas, resource limits and reservations, a restart policy', () => {
    expect(Number(defaultOf(svc.deploy?.replicas))).toBeGreaterThanOrEqual(2);
    for (const bound of [svc.deploy?.resources?.limits, svc.deploy?.resources?.reservations]) {
      expect(Number(bound?.cpus)).toBeGreaterThan(0);
      expect(bound?.memory).toMatch(/^\d+[MG]$/);
    }
    expect(svc.restart).toBe('unless-stopped');
  });

  it('is healthy only when ready (/ready) and runs in production mode', () => {
    expect(svc.healthcheck?.test.join(' ')).toContain('http://127.0.0.1:3000/ready');
    expect(svc.environment?.NODE_ENV).toBe('production');
    expect(svc.environment?.PORT).toBe('3000');
  });

  it('sets only variables documented in .env.example', () => {
    const documented = readText('.env.example');
    const missing = Object.keys(svc.environment ?? {}).filter(
      (name) => !new RegExp(`^#? ?${name}=`, 'm').test(documented),
    );
    expect(missing).toEqual([]);
  });

  it('has no secret default: secrets must come from the env file', () => {
    for (const name of ['JWT_SECRET', 'INTERNAL_AUTH_SECRET']) {
      const value = svc.environment?.[name];
      if (value !== undefined) expect(value).toMatch(/^\$\{[A-Z_]+:\?/);
    }
    expect(svc.environment?.DATABASE_URL ?? '').not.toMatch(/tablestack:tablestack@/);
  });
});

describe('topology', () => {
  it('starts the apps that use the database only after the one-shot migrate succeeded', () => {
    expect(service('migrate').restart).toBe('no');
    expect(service('migrate').build?.target).toBe('migrate');
    for (const app of ['user-service', 'restaurant-service', 'worker'])
      expect(service(app).depends_on?.migrate?.condition, app).toBe('service_completed_successfully');
  });

  it('migrates against the primary directly, the apps write through PgBouncer in transaction mode', () => {
    expect(service('migrate').environment?.DATABASE_URL).toContain('@postgres-primary:5432/');
    expect(service('gateway').environment?.DATABASE_URL).toContain('@pgbouncer:6432/');
    expect(service('pgbouncer').environment?.POOL_MODE).toBe('transaction');
    // node-postgres sends statement_timeout at connect; PgBouncer must not refuse the connection.
    expect(service('pgbouncer').environment?.IGNORE_STARTUP_PARAMETERS).toContain('statement_timeout');
  });

  it('bootstraps two streaming replicas from the primary, each on its own slot', () => {
    const slots = ['postgres-replica1', 'postgres-replica2'].map((name) => {
      const replica = service(name);
      expect(replica.image).toBe('postgres:15');
      expect(replica.environment?.PRIMARY_HOST).toBe('postgres-primary');
      return replica.environment?.REPLICA_SLOT;
    });
    expect(slots).toEqual(['replica1', 'replica2']);
    const entrypoint = readText('infra', 'compose', 'postgres', 'replica-entrypoint.sh');
    expect(entrypoint).toMatch(/pg_basebackup[^\n]*\\\n[^\n]*-S "\$REPLICA_SLOT" -X stream -R/);
    for (const slot of slots)
      expect(readText('infra', 'compose', 'postgres', 'primary-init.sh')).toContain(`'${slot}'`);
  });

  it('runs Redis with an AOF and noeviction (BullMQ must never lose a key)', () => {
    const command = service('redis').command?.join(' ');
    expect(command).toMatch(/--appendonly yes/);
    expect(command).toMatch(/--maxmemory-policy noeviction/);
  });

  it('lists every default replica of each upstream in the gateway (one breaker per replica)', () => {
    const env = service('gateway').environment ?? {};
    for (const [app, variable] of [
      ['user-service', 'USER_SERVICE_URLS'],
      ['restaurant-service', 'RESTAURANT_SERVICE_URLS'],
      ['worker', 'WORKER_URLS'],
    ] as const) {
      const replicas = Number(defaultOf(service(app).deploy?.replicas));
      const urls = defaultOf(env[variable]).split(',');
      expect(urls).toEqual(
        Array.from({ length: replicas }, (_, i) => `http://${compose.name}-${app}-${i + 1}:3000`),
      );
    }
    expect(defaultOf(env.GATEWAY_REPLICAS)).toBe(defaultOf(service('gateway').deploy?.replicas));
  });

  it('mounts only files that exist, scripts executable, named volumes declared', () => {
    for (const [name, svc] of Object.entries(compose.services)) {
      for (const volume of svc.volumes ?? []) {
        const [source, target] = volume.split(':');
        if (source!.startsWith('./')) {
          expect(existsSync(repoPath(source!)), `${name}: ${source}`).toBe(true);
          if (source!.endsWith('.sh')) expect(statSync(repoPath(source!)).mode & 0o111, source).not.toBe(0);
        } else {
          expect(Object.keys(compose.volumes), `${name}: ${source}`).toContain(source);
        }
        expect(target, `${name}: ${volume}`).toMatch(/^\//);
      }
    }
  });

  it('publishes ports on loopback only', () => {
    const text = readFileSync(repoPath(file), 'utf8');
    const published = [...text.matchAll(/^\s+- "([^"]+:\d+)"$/gm)].map((match) => match[1]!);
    expect(published.length).toBeGreaterThanOrEqual(4);
    for (const port of published) expect(port).toMatch(/^127\.0\.0\.1:/);
  });

  it('documents every required secret in infra/compose/compose.env.example', () => {
    const text = readFileSync(repoPath(file), 'utf8');
    const required = new Set([...text.matchAll(/\$\{([A-Z_]+):\?/g)].map((match) => match[1]!));
    const example = readText('infra', 'compose', 'compose.env.example');
    expect([...required].filter((name) => !new RegExp(`^${name}=$`, 'm').test(example))).toEqual([]);
  });
});
