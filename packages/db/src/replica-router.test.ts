import { describe, expect, it } from 'vitest';
import type { ReplicaState } from './replica-monitor.js';
import { ReplicaRouter } from './replica-router.js';

function router(states: ReplicaState[]) {
  return new ReplicaRouter(
    'primary-client',
    states.map((state) => ({ client: `${state.name}-client`, state: () => state })),
  );
}
const replica = (name: string, patch: Partial<ReplicaState> = {}): ReplicaState => ({
  name,
  healthy: true,
  lagMs: 0,
  replayLsn: 100n,
  ...patch,
});

describe('ReplicaRouter', () => {
  it('spreads reads over healthy replicas in turn', () => {
    const r = router([replica('r1'), replica('r2')]);
    expect([r.pick(), r.pick(), r.pick()].map((t) => t.server)).toEqual(['r1', 'r2', 'r1']);
  });

  it('skips replicas out of rotation', () => {
    const r = router([replica('r1', { healthy: false }), replica('r2')]);
    expect([r.pick(), r.pick()].map((t) => t.server)).toEqual(['r2', 'r2']);
  });

  it('falls back to the primary when no replica is healthy or there are none', () => {
    expect(router([replica('r1', { healthy: false })]).pick()).toEqual({
      client: 'primary-client',
      server: 'primary',
    });
    expect(router([]).pick().server).toBe('primary');
  });

  it('sends a read that must see a write only to replicas that replayed it, else to the primary', () => {
    const r = router([replica('r1', { replayLsn: 90n }), replica('r2', { replayLsn: 120n })]);
    expect([r.pick(110n), r.pick(110n)].map((t) => t.server)).toEqual(['r2', 'r2']);
    expect(r.pick(130n).server).toBe('primary');
    expect(router([replica('r1', { replayLsn: undefined })]).pick(1n).server).toBe('primary');
  });
});
