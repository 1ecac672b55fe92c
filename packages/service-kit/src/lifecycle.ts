/**
 * What a running service knows about its own life: set once shutdown starts, read by /ready (which
 * then answers 503 so load balancers stop sending) and by the middleware that closes keep-alive
 * connections after their current response.
 */
export class Lifecycle {
  #shuttingDown = false;
  #inFlight = 0;

  get shuttingDown(): boolean {
    return this.#shuttingDown;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  beginShutdown(): void {
    this.#shuttingDown = true;
  }

  requestStarted(): void {
    this.#inFlight += 1;
  }

  requestFinished(): void {
    this.#inFlight -= 1;
  }
}
