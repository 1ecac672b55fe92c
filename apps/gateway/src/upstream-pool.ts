import CircuitBreaker from 'opossum';

export interface BreakerSettings {
  /** Failures (5xx, timeouts, refused connections) in percent of calls in the window that open it. */
  errorThresholdPercentage: number;
  /** Time an open breaker waits before letting one trial request through. */
  resetTimeoutMs: number;
  /** Calls in the window before the percentage counts at all. */
  volumeThreshold: number;
  /** Length of the rolling window. */
  rollingWindowMs: number;
}

export const defaultBreakerSettings: BreakerSettings = {
  errorThresholdPercentage: 50,
  resetTimeoutMs: 5000,
  volumeThreshold: 5,
  rollingWindowMs: 10_000,
};

/** How a proxied call ended, from the breaker's point of view. */
export interface CallOutcome {
  succeeded(): void;
  failed(reason: string): void;
}

/**
 * One replica of an upstream with its own opossum breaker: a dead replica is taken out by its
 * breaker while the others keep serving; when every replica's breaker is open, the gateway answers
 * 503 at once instead of calling any of them.
 */
export class UpstreamTarget {
  readonly breaker: CircuitBreaker<[() => Promise<void>], void>;

  constructor(
    readonly upstream: string,
    readonly url: string,
    settings: BreakerSettings,
  ) {
    // The action is the proxied call itself, settled by the proxy's events (see `call`). Our own
    // upstream timeout turns into a failure there, so opossum's timer is off.
    this.breaker = new CircuitBreaker((settle: () => Promise<void>) => settle(), {
      name: `${upstream} ${url}`,
      timeout: false,
      errorThresholdPercentage: settings.errorThresholdPercentage,
      resetTimeout: settings.resetTimeoutMs,
      volumeThreshold: settings.volumeThreshold,
      rollingCountTimeout: settings.rollingWindowMs,
    });
  }

  #trialInFlight = false;

  /** Calls may go here: closed, or half-open with no trial call out yet (one trial at a time). */
  get available(): boolean {
    if (this.breaker.opened) return false;
    return !(this.breaker.halfOpen && this.#trialInFlight);
  }

  get state(): 'closed' | 'half-open' | 'open' {
    return this.breaker.opened ? 'open' : this.breaker.halfOpen ? 'half-open' : 'closed';
  }

  /** Starts accounting one call; the returned outcome must be settled exactly once. */
  call(): CallOutcome {
    let succeed: () => void = () => {};
    let fail: (error: Error) => void = () => {};
    const settled = new Promise<void>((resolve, reject) => {
      succeed = resolve;
      fail = reject;
    });
    // fire() rejects without running the action when the breaker refuses the call (a race with it
    // opening); `settled` is then watched by no one, and its rejection must not become an unhandled
    // one (Node would exit).
    settled.catch(() => {});
    if (this.breaker.halfOpen) {
      this.#trialInFlight = true;
      settled
        .finally(() => {
          this.#trialInFlight = false;
        })
        .catch(() => {});
    }
    this.breaker.fire(() => settled).catch(() => {});
    let done = false;
    return {
      succeeded: () => {
        if (done) return;
        done = true;
        succeed();
      },
      failed: (reason) => {
        if (done) return;
        done = true;
        fail(new Error(reason));
      },
    };
  }
}

/**
 * The replicas of one upstream service, handed out round robin, skipping those whose breaker is
 * open. The gateway balances itself instead of going back through nginx, which saves a hop.
 */
export class UpstreamPool {
  readonly members: readonly UpstreamTarget[];
  /** Requests sent to another replica after a connection failure (gateway_upstream_retries_total). */
  retries = 0;
  #next = 0;

  constructor(
    readonly name: string,
    readonly targets: readonly string[],
    private readonly settings: BreakerSettings = defaultBreakerSettings,
  ) {
    if (targets.length === 0) throw new Error(`upstream ${name} has no targets`);
    this.members = targets.map((url) => new UpstreamTarget(name, url, settings));
  }

  /**
   * The next replica whose breaker lets calls through, or undefined when all are open. Replicas in
   * `exclude` (already tried for this request) are skipped, and such a retry does not move the
   * rotation: otherwise the request after it would start at the failing replica again.
   */
  pick(exclude?: ReadonlySet<UpstreamTarget>): UpstreamTarget | undefined {
    const count = this.members.length;
    for (let tried = 0; tried < count; tried += 1) {
      const member = this.members[(this.#next + tried) % count]!;
      if (!member.available || exclude?.has(member)) continue;
      if (!exclude?.size) this.#next = (this.#next + tried + 1) % count;
      return member;
    }
    return undefined;
  }

  /** Round robin over all replicas regardless of breakers (health probes). */
  next(): string {
    const target = this.targets[this.#next % this.targets.length]!;
    this.#next = (this.#next + 1) % this.targets.length;
    return target;
  }

  /** Milliseconds an open breaker waits before its trial request (for Retry-After). */
  get retryAfterMs(): number {
    return Math.max(1000, this.settings.resetTimeoutMs);
  }

  close(): void {
    for (const member of this.members) member.breaker.shutdown();
  }
}
