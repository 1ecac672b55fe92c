import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createService } from './create-service.js';
import { createLogger } from './logger.js';

describe('request logs', () => {
  it('never contain credentials or the internal identity secret', async () => {
    const lines: string[] = [];
    const logger = createLogger({ name: 'svc', destination: { write: (line: string) => lines.push(line) } });
    const service = createService({ name: 'svc', logger, routes: (app) => app.post('/login', (_req, res) => res.json({ ok: true })) });
    const server = service.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/login`, {
        method: 'POST',
        headers: {
          authorization: 'Bearer secret-token-value',
          cookie: 'session=secret-cookie-value',
          'x-internal-auth': 'secret-internal-value',
          'content-type': 'application/json',
        },
        body: JSON.stringify({ password: 'secret-password-value' }),
      });
    } finally {
      server.close();
    }
    const log = lines.join('');
    expect(log).toContain('request completed');
    expect(log).not.toMatch(/secret-(token|cookie|internal|password)-value/);
    expect(log).toContain('[redacted]');
  });
});
