import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/** A real HTTP server playing an upstream service in gateway tests; counts the requests it got. */
export async function startTestUpstream(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  port = 0,
): Promise<{ server: Server; url: string; hits: () => number; close: () => Promise<void> }> {
  let hits = 0;
  const server = createHttpServer((req, res) => {
    hits += 1;
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits: () => hits,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Echoes what the upstream received (path and headers) as JSON. */
export function echo(req: IncomingMessage, res: ServerResponse): void {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ url: req.url, headers: req.headers }));
}

/**
 * URLs of upstreams that refuse connections, for every test that needs a dead replica. A privileged
 * port nothing listens on: the port of a server a test just closed is free again, and the next
 * listen(0) in the same process (the gateway's own) may be given it, so the "dead" replica would
 * answer as the gateway itself.
 */
export const refusingUpstreamUrls = ['http://127.0.0.1:9', 'http://127.0.0.2:9'] as const;
