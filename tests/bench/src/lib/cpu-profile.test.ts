import { describe, expect, it } from 'vitest';
import { type CpuProfile, packageOf, summarizeProfile } from './cpu-profile.js';

describe('packageOf', () => {
  it.each([
    ['file:///r/node_modules/.pnpm/pino@9.1.0/node_modules/pino/lib/proto.js', 'pino'],
    ['file:///r/node_modules/.pnpm/@x+y@1/node_modules/@x/y/index.js', '@x/y'],
    ['node:internal/http', 'node:internal/http'],
    ['node:internal/streams/writable', 'node:internal/streams'],
    ['node:_http_server', 'node:_http_server'],
    ['file:///r/apps/gateway/dist/server.js', 'apps/gateway'],
    ['', '(native / V8)'],
  ])('%s → %s', (url, expected) => {
    expect(packageOf(url)).toBe(expected);
  });
});

describe('summarizeProfile', () => {
  it('adds self time per function and package, leaving idle out of the shares', () => {
    const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 0 });
    const profile: CpuProfile = {
      nodes: [
        { id: 1, callFrame: frame('(root)', '') },
        { id: 2, callFrame: frame('(idle)', '') },
        { id: 3, callFrame: frame('write', 'file:///r/node_modules/pino/lib/proto.js') },
        { id: 4, callFrame: frame('route', 'file:///r/apps/gateway/dist/server.js') },
      ],
      samples: [2, 3, 3, 4, 2],
      timeDeltas: [0, 1000, 1000, 1000, 1000],
      startTime: 0,
      endTime: 5000,
    };
    const summary = summarizeProfile(profile);
    expect(summary.totalMs).toBe(5);
    expect(summary.busyShare).toBeCloseTo(0.6);
    expect(summary.byPackage[0]).toMatchObject({ name: 'pino', selfMs: 2 });
    expect(summary.byPackage[0]!.share).toBeCloseTo(2 / 3);
    expect(summary.topFunctions.map((entry) => entry.name)).toEqual(['write pino:1', 'route apps/gateway:1']);
    // The last 2.5 ms: samples at 3 and 4 ms (route, idle), not the two pino ones before.
    const tail = summarizeProfile(profile, 15, 2.5);
    expect(tail.topFunctions.map((entry) => entry.name)).toEqual(['route apps/gateway:1']);
  });
});
