import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeSmsServer } from './fake-sms-server.js';

let server: FakeSmsServer;
beforeAll(async () => {
  server = await new FakeSmsServer().start();
});
afterAll(() => server.stop());

const post = (form: Record<string, string>, auth = `${server.accountSid}:${server.authToken}`) =>
  fetch(`${server.url}/Accounts/${server.accountSid}/Messages.json`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(auth).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams(form),
  });

describe('FakeSmsServer', () => {
  it('accepts a form POST with basic auth and records the message', async () => {
    const response = await post({ To: '+33612345678', From: '+15005550006', Body: 'hello' });
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ to: '+33612345678', status: 'queued' });
    expect(server.messagesTo('+33612345678')).toMatchObject([{ from: '+15005550006', body: 'hello' }]);
  });

  it('refuses wrong credentials, missing fields and answers the configured faults', async () => {
    expect((await post({ To: '+1', From: '+2', Body: 'x' }, 'AC:wrong')).status).toBe(401);
    expect((await post({ To: '+33612345678', From: '+15005550006' })).status).toBe(400);
    server.mode = 'invalid-number';
    const invalid = await post({ To: '+33612345678', From: '+15005550006', Body: 'x' });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ code: 21211 });
    server.mode = 'error';
    expect((await post({ To: '+33612345678', From: '+15005550006', Body: 'x' })).status).toBe(500);
    server.mode = 'ok';
    expect(server.messages).toHaveLength(1);
  });
});
