// Paths of the repository and small readers shared by the infra tests.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export function repoPath(...parts: string[]): string {
  return join(repoRoot, ...parts);
}

export function readText(...parts: string[]): string {
  return readFileSync(repoPath(...parts), 'utf8');
}

/** YAML with merge keys (`<<: *anchor`), as docker compose reads it. */
export function readYaml<T = unknown>(...parts: string[]): T {
  return parse(readText(...parts), { merge: true }) as T;
}

/** The apps, as folders of apps/ and as compose services. */
export const apps = ['gateway', 'user-service', 'restaurant-service', 'worker'] as const;
