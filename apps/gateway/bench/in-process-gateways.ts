// The main thread's side of the in-process gateways (gateway-worker.ts): starts the worker thread,
// reads its connection counters, closes it. The types and counter slots here are shared with the worker.

import type { AgentOptions } from 'node:http';
import { Worker } from 'node:worker_threads';
import type { Env } from '../src/env.js';

export type GatewayName = 'keepAlive' | 'noKeepAlive';

/** Slots of the shared counters: upstream connections opened and client connections accepted. */
export const counterIndex = {
  keepAlive: { upstream: 0, client: 1 },
  noKeepAlive: { upstream: 2, client: 3 },
} as const satisfies Record<GatewayName, { upstream: number; client: number }>;
const COUNTER_SLOTS = 4;

export interface GatewayWorkerData {
  env: Pick<Env, 'USER_SERVICE_URLS' | 'RESTAURANT_SERVICE_URLS' | 'UPSTREAM_TIMEOUT_MS' | 'TRUST_PROXY'>;
  /** Level of the gateways' request logs, which go to /dev/null (the stack's apps log at info). */
  logLevel: string;
  counters: SharedArrayBuffer;
}

export interface GatewayDescription {
  port: number;
  /** The upstream agent's settings as Node holds them (an unlimited maxSockets, Infinity, is null in JSON). */
  agent: Pick<AgentOptions, 'keepAlive' | 'maxSockets' | 'maxFreeSockets' | 'timeout'>;
}

/** What the worker posts once both gateways listen. */
export interface ReadyMessage {
  type: 'ready';
  gateways: Record<GatewayName, GatewayDescription>;
}

/** Connections counted so far by one gateway. */
export interface ConnectionCounts {
  /** TCP connections its upstream agent opened to the services. */
  upstream: number;
  /** Client connections (autocannon's or nginx's) it accepted. */
  client: number;
}

export interface InProcessGateways {
  gateways: Record<GatewayName, GatewayDescription>;
  counts(name: GatewayName): ConnectionCounts;
  /** Throws when the worker has stopped (an uncaught error in a gateway ends it): the figures are void. */
  assertRunning(): void;
  close(): Promise<void>;
}

/**
 * Starts gateway-worker.ts in a worker thread. Node 20 does not hand tsx's loader to worker threads,
 * so the worker is a one-line bootstrap that loads the TypeScript file through tsx's `tsImport`.
 */
export async function startInProcessGateways(
  env: GatewayWorkerData['env'],
  logLevel: string,
): Promise<InProcessGateways> {
  const shared = new SharedArrayBuffer(COUNTER_SLOTS * Int32Array.BYTES_PER_ELEMENT);
  const counters = new Int32Array(shared);
  const tsx = import.meta.resolve('tsx/esm/api');
  const file = new URL('./gateway-worker.ts', import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(tsx)}).then(({ tsImport }) => tsImport(${JSON.stringify(file)}, ${JSON.stringify(import.meta.url)}))`;
  const workerData: GatewayWorkerData = { env, logLevel, counters: shared };
  const worker = new Worker(bootstrap, { eval: true, workerData });

  const gateways = await new Promise<Record<GatewayName, GatewayDescription>>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('exit', (code) =>
      reject(new Error(`the gateway worker exited with ${code} before it was ready`)),
    );
    worker.once('message', (message: ReadyMessage) => {
      if (message.type === 'ready') resolve(message.gateways);
    });
  });
  worker.removeAllListeners();
  let failure: Error | undefined;
  let running = true;
  worker.on('error', (error) => {
    failure = error;
  });
  const exited = new Promise<void>((resolve) =>
    worker.once('exit', () => {
      running = false;
      resolve();
    }),
  );

  return {
    gateways,
    counts: (name) => ({
      upstream: Atomics.load(counters, counterIndex[name].upstream),
      client: Atomics.load(counters, counterIndex[name].client),
    }),
    assertRunning: () => {
      if (running) return;
      throw new Error(
        `the in-process gateways stopped mid-run (${failure ? `uncaught ${failure.name}: ${failure.message}` : 'the worker exited'}); no results written`,
      );
    },
    close: async () => {
      if (!running) return;
      worker.postMessage({ type: 'close' });
      // Graceful: the servers drain and the agents close; a worker that hangs on a timer is ended.
      const timer = setTimeout(() => void worker.terminate(), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
