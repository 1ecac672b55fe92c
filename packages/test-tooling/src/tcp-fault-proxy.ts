import net from 'node:net';

/**
 * What the proxy does with connections:
 * - `pass`: forwards both ways (optionally delayed by `latencyMs` per chunk);
 * - `refuse`: new connections are closed at once and open ones are cut, like a stopped server
 *   (clients see ECONNRESET / "Connection terminated");
 * - `reset`: like refuse, but open connections are reset (RST) rather than closed;
 * - `blackhole`: new connections are accepted and never answered, open ones stall, like a dropped
 *   network (clients only notice through their own timeouts).
 */
export type FaultMode = 'pass' | 'refuse' | 'reset' | 'blackhole';

export interface TcpFaultProxyOptions {
  /** Where the real server listens. */
  target: { host: string; port: number };
  /** Port to listen on; 0 picks a free one. */
  port?: number;
}

/**
 * A TCP proxy in front of a real server (Postgres, Redis, an HTTP service) that a test switches
 * between healthy and faulty, so a test can stop "a server" for one client without touching the
 * server the other tests share. There is no toxiproxy or tc netem on our machines.
 */
export class TcpFaultProxy {
  #server = net.createServer((socket) => this.#accept(socket));
  #mode: FaultMode = 'pass';
  #latencyMs = 0;
  #open = new Set<{ client: net.Socket; upstream: net.Socket }>();

  constructor(private readonly options: TcpFaultProxyOptions) {}

  async start(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(this.options.port ?? 0, '127.0.0.1', () => resolve());
    });
    return this;
  }

  get port(): number {
    return (this.#server.address() as net.AddressInfo).port;
  }

  /** `postgresql://user:pw@127.0.0.1:<real>/db` → the same URL through this proxy. */
  rewrite(url: string): string {
    const parsed = new URL(url);
    parsed.hostname = '127.0.0.1';
    parsed.port = String(this.port);
    return parsed.toString();
  }

  get mode(): FaultMode {
    return this.#mode;
  }

  get connections(): number {
    return this.#open.size;
  }

  setMode(mode: FaultMode): void {
    this.#mode = mode;
    if (mode === 'refuse' || mode === 'reset') {
      for (const pair of this.#open) this.#cut(pair, mode);
    }
  }

  /** Delay added to every chunk in both directions while in `pass`. */
  setLatency(ms: number): void {
    this.#latencyMs = ms;
  }

  async stop(): Promise<void> {
    for (const pair of this.#open) this.#cut(pair, 'reset');
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #accept(client: net.Socket): void {
    client.on('error', () => {});
    if (this.#mode === 'refuse') {
      client.destroy();
      return;
    }
    if (this.#mode === 'reset') {
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect(this.options.target);
    upstream.on('error', () => client.destroy());
    const pair = { client, upstream };
    this.#open.add(pair);
    const forget = () => {
      this.#open.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', forget);
    upstream.on('close', forget);
    this.#pipe(client, upstream);
    this.#pipe(upstream, client);
  }

  #pipe(from: net.Socket, to: net.Socket): void {
    from.on('data', (chunk) => {
      // A black hole swallows traffic without closing anything.
      if (this.#mode === 'blackhole') return;
      if (this.#latencyMs > 0) setTimeout(() => to.writable && to.write(chunk), this.#latencyMs);
      else if (to.writable) to.write(chunk);
    });
  }

  #cut(pair: { client: net.Socket; upstream: net.Socket }, how: 'refuse' | 'reset'): void {
    if (how === 'reset') pair.client.resetAndDestroy();
    else pair.client.destroy();
    pair.upstream.destroy();
    this.#open.delete(pair);
  }
}
