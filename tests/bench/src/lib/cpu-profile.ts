// Summarises a V8 .cpuprofile (node --cpu-prof): self time per function and per package, so that a
// results file can say where a process spends its CPU without anyone opening DevTools.

export interface CpuProfile {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    hitCount?: number;
  }>;
  samples?: number[];
  timeDeltas?: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileEntry {
  name: string;
  selfMs: number;
  share: number;
}

export interface ProfileSummary {
  totalMs: number;
  /** Share of samples that were not idle (program, GC and code). */
  busyShare: number;
  topFunctions: ProfileEntry[];
  byPackage: ProfileEntry[];
}

/** `node_modules/.pnpm/<x>/node_modules/<pkg>/...` → pkg; node internals → `node:<module>`; ours → path. */
export function packageOf(url: string): string {
  if (!url) return '(native / V8)';
  if (url.startsWith('node:')) {
    const parts = url.slice(5).split('/');
    // node:internal/http, node:internal/streams: the module family says more than "internal".
    return `node:${parts[0] === 'internal' && parts.length > 1 ? `internal/${parts[1]!.replace(/\.js$/, '')}` : parts[0]}`;
  }
  const modules = url.split('node_modules/');
  if (modules.length > 1) {
    const rest = modules.at(-1)!.split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const ours = /\/(apps|packages)\/([^/]+)\//.exec(url);
  return ours ? `${ours[1]}/${ours[2]}` : url;
}

function top(map: Map<string, number>, totalMs: number, limit: number): ProfileEntry[] {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([name, selfMs]) => ({
      name,
      selfMs: Math.round(selfMs),
      share: totalMs > 0 ? selfMs / totalMs : 0,
    }));
}

/**
 * `lastMs`: only the samples of the last that many ms before the profile ended (the load phase,
 * without the process's start-up: module loading would otherwise top the list).
 */
export function summarizeProfile(
  profile: CpuProfile,
  limit = 15,
  lastMs = Number.POSITIVE_INFINITY,
): ProfileSummary {
  const fromUs = profile.endTime - lastMs * 1000;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfById = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  let at = profile.startTime;
  for (let i = 0; i < samples.length; i++) {
    at += deltas[i] ?? 0;
    if (at < fromUs) continue;
    // The delta before sample i+1 is the time sample i stood for.
    const ms = (deltas[i + 1] ?? deltas[i] ?? 0) / 1000;
    selfById.set(samples[i]!, (selfById.get(samples[i]!) ?? 0) + ms);
  }
  const functions = new Map<string, number>();
  const packages = new Map<string, number>();
  let totalMs = 0;
  let idleMs = 0;
  for (const [id, ms] of selfById) {
    const node = byId.get(id);
    if (!node) continue;
    totalMs += ms;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') {
      idleMs += ms;
      continue;
    }
    const where = url ? `${packageOf(url)}:${lineNumber + 1}` : '';
    const name = `${functionName || '(anonymous)'}${where ? ` ${where}` : ''}`;
    functions.set(name, (functions.get(name) ?? 0) + ms);
    const pkg = ['(garbage collector)', '(program)'].includes(functionName) ? functionName : packageOf(url);
    packages.set(pkg, (packages.get(pkg) ?? 0) + ms);
  }
  const busyMs = totalMs - idleMs;
  return {
    totalMs: Math.round(totalMs),
    busyShare: totalMs > 0 ? busyMs / totalMs : 0,
    topFunctions: top(functions, busyMs, limit),
    byPackage: top(packages, busyMs, limit),
  };
}
