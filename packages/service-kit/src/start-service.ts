import { once } from 'node:events';
import type { Server } from 'node:http';
import type { Service } from './create-service.js';

/** A client to close on shutdown, in the order given (e.g. workers, queues, Prisma, Redis). */
export interface Closer {
  name: string;
  close: () => Promise<unknown> | unknown;
}

export interface StartServiceOptions {
  port: number;
  /** @default '0.0.0.0' */
  host?: string;
  /** Time in-flight requests get to finish after SIGTERM before connections are cut. @default 10000 */
  shutdownTimeoutMs?: number;
  /** Closed in order after the HTTP server has drained. */
  closers?: Closer[];
  /** Signals that start a graceful shutdown. @default ['SIGTERM', 'SIGINT'] */
  signals?: NodeJS.Signals[];
  /** Called with the exit code when shutdown is complete; @default process.exit */
  exit?: (code: number) => void;
}

export interface RunningService {
  server: Server;
  port: number;
  /** Starts (or joins) the graceful shutdown; resolves with the exit code it will use. */
  shutdown: (reason: string) => Promise<number>;
}

/**
 * Listens, and wires the signals to a graceful shutdown: /ready turns 503, the server stops accepting,
 * in-flight requests get until the deadline to finish, then the remaining connections are cut and the
 * closers run in order.
 */
/** How long a service keeps an idle keep-alive connection open; longer than any client side keeps it. */
export const SERVER_KEEP_ALIVE_MS = 65_000;

export async function startService(service: Service, options: StartServiceOptions): Promise<RunningService> {
  const { app, logger, lifecycle } = service;
  const deadlineMs = options.shutdownTimeoutMs ?? 10_000;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const server = app.listen(options.port, options.host ?? '0.0.0.0');
  // Idle keep-alive connections are closed by the client side first (nginx after 60 s, the gateway's
  // agent after KEEP_ALIVE_CLIENT_MS): a server that closed first could race a reused connection and
  // turn a request into a reset (a 502 at the gateway). Node's default here is 5 s.
  server.keepAliveTimeout = SERVER_KEEP_ALIVE_MS;
  server.headersTimeout = SERVER_KEEP_ALIVE_MS + 1000;
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  logger.info({ port }, 'listening');

  let shuttingDown: Promise<number> | undefined;
  const shutdown = (reason: string): Promise<number> => {
    shuttingDown ??= (async () => {
      logger.info({ reason, inFlight: lifecycle.inFlight }, 'shutting down');
      lifecycle.beginShutdown();
      const drained = await drain(server, () => lifecycle.inFlight, deadlineMs);
      if (!drained)
        logger.warn(
          { inFlight: lifecycle.inFlight, deadlineMs },
          'drain deadline passed; cutting connections',
        );
      let code = drained ? 0 : 1;
      for (const closer of options.closers ?? []) {
        try {
          await closer.close();
          logger.info({ client: closer.name }, 'closed');
        } catch (error) {
          code = 1;
          logger.error({ err: error, client: closer.name }, 'close failed');
        }
      }
      logger.info({ code }, 'shutdown complete');
      logger.flush?.();
      exit(code);
      return code;
    })();
    return shuttingDown;
  };

  for (const signal of options.signals ?? ['SIGTERM', 'SIGINT']) {
    process.once(signal, () => void shutdown(signal));
  }
  return { server, port, shutdown };
}

/** Stops accepting, lets in-flight requests finish, closes idle keep-alive sockets; false if cut. */
async function drain(server: Server, inFlight: () => number, deadlineMs: number): Promise<boolean> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline) {
    // Keep-alive sockets become idle when their response ends; close them as soon as they do.
    server.closeIdleConnections();
    const done = await Promise.race([closed.then(() => true), sleep(50).then(() => false)]);
    if (done && inFlight() === 0) return true;
  }
  server.closeAllConnections();
  await closed;
  return false;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
