import type { AddressInfo } from 'node:net';
import type { createServer } from './server.js';

/**
 * Listens on a free loopback port with a gateway built by `createServer` in a test, and returns its
 * base URL and what stops it again (breakers, keep-alive agent, server), in that order.
 */
export async function listenTestGateway(
  service: ReturnType<typeof createServer>,
): Promise<{ base: string; close: () => void }> {
  const server = service.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      for (const pool of service.pools) pool.close();
      service.agent.destroy();
      server.close();
    },
  };
}
