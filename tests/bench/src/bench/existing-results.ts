// Dataset growth and worker jobs/s come from the existing benchmarks' latest committed results, not
// from a new run: growing the table to 1M restaurants takes longer than this whole command may, and the
// worker bench drains its own queues. The files, their dates and the figures are copied as they are.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot } from '../lib/stack-env.js';

export interface DatasetGrowthRow {
  restaurants: number;
  searchP50Ms: number;
  searchP99Ms: number;
  nearbyP50Ms: number;
  nearbyP99Ms: number;
}

export interface WorkerRow {
  name: string;
  concurrency: number;
  medianJobsPerSecond: number;
}

export interface ExistingResults {
  datasetGrowth: { file: string; date: string; rows: DatasetGrowthRow[] } | { file: string; missing: string };
  workerJobs: { file: string; date: string; rows: WorkerRow[] } | { file: string; missing: string };
}

async function readJson(relative: string): Promise<unknown> {
  return JSON.parse(await readFile(join(repoRoot, relative), 'utf8'));
}

export async function readExistingResults(): Promise<ExistingResults> {
  const growthFile = 'apps/restaurant-service/bench/results/search-nearby.json';
  const workerFile = 'apps/worker/bench/results/worker-throughput.json';
  let datasetGrowth: ExistingResults['datasetGrowth'];
  let workerJobs: ExistingResults['workerJobs'];
  try {
    const data = (await readJson(growthFile)) as {
      date: string;
      results: Array<{
        restaurants: number;
        search: { p50: number; p99: number };
        nearby: { p50: number; p99: number };
      }>;
    };
    datasetGrowth = {
      file: growthFile,
      date: data.date,
      rows: data.results.map((row) => ({
        restaurants: row.restaurants,
        searchP50Ms: row.search.p50,
        searchP99Ms: row.search.p99,
        nearbyP50Ms: row.nearby.p50,
        nearbyP99Ms: row.nearby.p99,
      })),
    };
  } catch (error) {
    datasetGrowth = { file: growthFile, missing: (error as Error).message };
  }
  try {
    const data = (await readJson(workerFile)) as {
      started: string;
      results: Array<{ name: string; concurrency: number; medianJobsPerSecond: number }>;
    };
    workerJobs = {
      file: workerFile,
      date: data.started,
      rows: data.results.map(({ name, concurrency, medianJobsPerSecond }) => ({
        name,
        concurrency,
        medianJobsPerSecond,
      })),
    };
  } catch (error) {
    workerJobs = { file: workerFile, missing: (error as Error).message };
  }
  return { datasetGrowth, workerJobs };
}
