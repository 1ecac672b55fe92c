// Body of the worker thread that runs the bench's two in-process gateways (started by
// in-process-gateways.ts, never on its own). Both are built with createServer and started with
// startService as index.ts does, but without tokens, write positions or rate limits: the proxy path
// alone. A worker thread, not the bench's main thread, so that they do not share an event loop with
// autocannon, which generates the load there.
//
// The two differ only in the upstream agent: `keepAlive` uses the agent createServer builds by default
// (the production one), `noKeepAlive` gets `new Agent({ keepAlive: false })`. Each agent's
// createConnection is wrapped to count the TCP connections it opens to the services, and each server
// counts the client connections it accepts, in a SharedArrayBuffer the main thread reads between slices.

import { openSync, writeSync } from 'node:fs';
import { Agent, type AgentOptions } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import { createLogger, type RunningService, startService } from '@tablestack/service-kit';
import { createServer } from '../src/server.js';
import {
  counterIndex,
  type GatewayDescription,
  type GatewayName,
  type GatewayWorkerData,
  type ReadyMessage,
} from './in-process-gateways.js';

/** Serializing the log lines is part of the gateway's cost; writing them to a disk is not what we measure. */
function devNullLogger(instance: string, level: string) {
  const fd = openSync('/dev/null', 'w');
  return createLogger({
    name: 'gateway',
    level,
    base: { instance },
    destination: { write: (line: string) => void writeSync(fd, line) },
  });
}

function countConnections(agent: Agent, counters: Int32Array, slot: number): void {
  const open = agent.createConnection.bind(agent);
  agent.createConnection = ((...args: Parameters<Agent['createConnection']>) => {
    Atomics.add(counters, slot, 1);
    return open(...args);
  }) as Agent['createConnection'];
}

function describeAgent(agent: Agent): GatewayDescription['agent'] {
  // Node keeps the constructor's options on the agent; `options` is not in its typings.
  const { options } = agent as Agent & { options: AgentOptions };
  return {
    keepAlive: options.keepAlive ?? false,
    maxSockets: agent.maxSockets,
    maxFreeSockets: agent.maxFreeSockets,
    ...(options.timeout === undefined ? {} : { timeout: options.timeout }),
  };
}

async function start(
  name: GatewayName,
  data: GatewayWorkerData,
  counters: Int32Array,
  agent?: Agent,
): Promise<{ running: RunningService; description: GatewayDescription }> {
  const service = createServer({
    env: data.env,
    logger: devNullLogger(`bench-${name}`, data.logLevel),
    ...(agent ? { agent } : {}),
  });
  countConnections(service.agent, counters, counterIndex[name].upstream);
  const running = await startService(service, {
    port: 0,
    host: '127.0.0.1',
    signals: [],
    exit: () => {},
    closers: [
      { name: 'upstream agent', close: () => service.agent.destroy() },
      {
        name: 'circuit breakers',
        close: () => {
          for (const pool of service.pools) pool.close();
        },
      },
    ],
  });
  running.server.on('connection', () => Atomics.add(counters, counterIndex[name].client, 1));
  return { running, description: { port: running.port, agent: describeAgent(service.agent) } };
}

const data = workerData as GatewayWorkerData;
const port = parentPort!;
const counters = new Int32Array(data.counters);
const keepAlive = await start('keepAlive', data, counters);
const noKeepAlive = await start('noKeepAlive', data, counters, new Agent({ keepAlive: false }));

port.on('message', async (message: { type: 'close' }) => {
  if (message.type !== 'close') return;
  await Promise.all([keepAlive.running.shutdown('bench done'), noKeepAlive.running.shutdown('bench done')]);
  // Nothing is left on the worker's event loop once the port is closed: the thread exits.
  port.close();
});
port.postMessage({
  type: 'ready',
  gateways: { keepAlive: keepAlive.description, noKeepAlive: noKeepAlive.description },
} satisfies ReadyMessage);
