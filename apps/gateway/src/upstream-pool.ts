/**
 * The replicas of one upstream service, handed out round robin. The gateway balances itself instead
 * of going back through nginx, which saves a hop; in containers the list is one DNS name per service.
 */
export class UpstreamPool {
  #next = 0;

  constructor(
    readonly name: string,
    readonly targets: readonly string[],
  ) {
    if (targets.length === 0) throw new Error(`upstream ${name} has no targets`);
  }

  next(): string {
    const target = this.targets[this.#next % this.targets.length]!;
    this.#next = (this.#next + 1) % this.targets.length;
    return target;
  }
}
