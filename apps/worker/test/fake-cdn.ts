// A local stand-in for Cloudflare's purge API (POST /zones/<zone>/purge_cache), recording what it
// was sent, so the real HTTP purger is tested over a real socket without reaching the internet.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PurgeCall {
  path: string;
  authorization: string | undefined;
  contentType: string | undefined;
  files: string[];
}

export interface FakeCdn {
  /** API base to configure as CDN_PURGE_API_URL. */
  url: string;
  calls: PurgeCall[];
  /** Every URL purged so far, in order. */
  purged(): string[];
  /** How the next answers go: ok, an API refusal (HTTP 400, success false), an HTTP 500, or no answer. */
  mode: 'ok' | 'refuse' | 'error' | 'hang';
  close(): Promise<void>;
}

export async function startFakeCdn(): Promise<FakeCdn> {
  const calls: PurgeCall[] = [];
  const hanging = new Set<import('node:http').ServerResponse>();
  const cdn: FakeCdn = {
    url: '',
    calls,
    purged: () => calls.flatMap((call) => call.files),
    mode: 'ok',
    close: async () => {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  const server: Server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    if (req.method !== 'POST' || !/^\/client\/v4\/zones\/[^/]+\/purge_cache$/.test(req.url ?? '')) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"success":false}');
      return;
    }
    const files = (JSON.parse(body || '{}') as { files?: string[] }).files ?? [];
    calls.push({
      path: req.url ?? '',
      authorization: req.headers.authorization,
      contentType: req.headers['content-type'],
      files,
    });
    const json = (status: number, value: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
    switch (cdn.mode) {
      case 'ok':
        return json(200, { success: true, errors: [], messages: [], result: { id: 'purge-id' } });
      case 'refuse':
        return json(400, {
          success: false,
          errors: [
            { code: 1012, message: 'Request must contain one of "purge_everything", "files", "tags"' },
          ],
        });
      case 'error':
        return json(500, { success: false, errors: [{ code: 10000, message: 'Internal error' }] });
      case 'hang':
        hanging.add(res);
        return;
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cdn.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/client/v4`;
  return cdn;
}
