import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createService } from './create-service.js';
import { createLogger } from './logger.js';

describe('request logs', () => {
  it('never contain credentials or the internal identity secret', async () => {
    const lines: string[] = [];
    const logger = createLogger({ name: 'svc', destination: { write: (line: string) => lines.push(line) } });
    const service = createService({
      name: 'svc',
      logger,
      routes: (app) => app.post('/login', (_req, res) => res.json({ ok: true })),
    });
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
  });

  it('say who asked for what and how it ended, in one lean line without headers', async () => {
    const lines: string[] = [];
    const logger = createLogger({ name: 'svc', destination: { write: (line: string) => lines.push(line) } });
    const service = createService({
      name: 'svc',
      logger,
      routes: (app) => app.get('/items/:id', (_req, res) => res.status(201).json({})),
    });
    const server = service.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/items/7?x=1`, {
        headers: { 'x-request-id': 'req-lean-1', 'user-agent': 'lean-test' },
      });
    } finally {
      server.close();
    }
    const line = lines.map((text) => JSON.parse(text)).find((entry) => entry.msg === 'request completed');
    expect(line).toMatchObject({
      reqId: 'req-lean-1',
      req: { method: 'GET', url: '/items/7?x=1', remoteAddress: '127.0.0.1' },
      res: { statusCode: 201 },
    });
    expect(typeof line.responseTime).toBe('number');
    expect(line.req.headers).toBeUndefined();
    expect(line.res.headers).toBeUndefined();
  });

  it('still redact credentials when a handler logs headers itself', () => {
    const lines: string[] = [];
    const logger = createLogger({ name: 'svc', destination: { write: (line: string) => lines.push(line) } });
    logger.info(
      {
        req: {
          headers: { authorization: 'Bearer secret-token-value', 'x-internal-auth': 'secret-internal-value' },
        },
        user: { password: 'secret-password-value' },
      },
      'explicit',
    );
    const log = lines.join('');
    expect(log).not.toMatch(/secret-(token|internal|password)-value/);
    expect(log).toContain('[redacted]');
  });
});
