import type { RedisClient } from '@tablestack/redis-client';

/** What one replica tells the others after an invalidation. */
export type BusMessage =
  | { kind: 'keys'; fulls: string[] }
  | { kind: 'tags'; tags: string[]; gens: number[] }
  | { kind: 'prefix'; namespace: string; prefix: string }
  | { kind: 'clear' };

interface Envelope {
  from: string;
  message: BusMessage;
}

/**
 * Redis pub/sub between the replicas of a service, so an invalidation reaches every L1. Publishing
 * uses the command connection, receiving the shared subscriber connection. After the subscriber
 * reconnects, `onReconnect` runs: messages sent meanwhile are lost, so L1 must be dropped.
 */
export class InvalidationBus {
  #connected = false;

  constructor(
    private readonly options: {
      command: () => RedisClient;
      subscriber: () => RedisClient;
      channel: string;
      instanceId: string;
      onMessage: (message: BusMessage) => void;
      onReconnect: () => void;
      onError: (error: Error) => void;
    },
  ) {}

  /** True while messages from other replicas can arrive. */
  get connected(): boolean {
    return this.#connected;
  }

  async start(): Promise<void> {
    const subscriber = this.options.subscriber();
    subscriber.on('message', (channel: string, text: string) => {
      if (channel !== this.options.channel) return;
      try {
        const envelope = JSON.parse(text) as Envelope;
        if (envelope.from !== this.options.instanceId) this.options.onMessage(envelope.message);
      } catch (error) {
        this.options.onError(error as Error);
      }
    });
    let everReady = false;
    subscriber.on('ready', () => {
      if (everReady && !this.#connected) this.options.onReconnect();
      everReady = true;
      this.#connected = true;
    });
    subscriber.on('close', () => {
      this.#connected = false;
    });
    subscriber.on('end', () => {
      this.#connected = false;
    });
    await subscriber.subscribe(this.options.channel);
    everReady = true;
    this.#connected = subscriber.status === 'ready';
  }

  async publish(message: BusMessage): Promise<void> {
    const envelope: Envelope = { from: this.options.instanceId, message };
    await this.options.command().publish(this.options.channel, JSON.stringify(envelope));
  }

  /** Unsubscribes; bounded, because the subscriber queues commands while Redis is away. */
  async stop(timeoutMs = 500): Promise<void> {
    this.#connected = false;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.options
        .subscriber()
        .unsubscribe(this.options.channel)
        .catch(() => {}),
      new Promise((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
  }
}
