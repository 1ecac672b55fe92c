// A local SMS provider of the common Messages-API shape (Twilio's): POST
// /Accounts/<sid>/Messages.json, form-encoded To, From and Body, HTTP basic auth with the account
// sid and auth token, 201 with the message as JSON. It records what it accepted, so tests of an SMS
// sender run against a real HTTP server without reaching the internet.
import { once } from 'node:events';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeSms {
  sid: string;
  to: string;
  from: string;
  body: string;
  /** The `I-Twilio-Idempotency-Token` header, when one was sent. */
  idempotencyToken: string | undefined;
}

/**
 * How the server answers the next requests: `ok` (201), `error` (500), `invalid-number` (400 with
 * Twilio's code 21211), `rate-limited` (429), `hang` (no answer).
 */
export type FakeSmsMode = 'ok' | 'error' | 'invalid-number' | 'rate-limited' | 'hang';

export interface FakeSmsServerOptions {
  accountSid?: string;
  authToken?: string;
}

export class FakeSmsServer {
  readonly accountSid: string;
  readonly authToken: string;
  /** Messages accepted (201), in order. */
  readonly messages: FakeSms[] = [];
  /** Every request that reached the Messages endpoint, accepted or not. */
  requests = 0;
  mode: FakeSmsMode = 'ok';
  readonly #server: Server;
  readonly #hanging = new Set<ServerResponse>();
  #url = '';

  constructor(options: FakeSmsServerOptions = {}) {
    this.accountSid = options.accountSid ?? 'AC00000000000000000000000000000000';
    this.authToken = options.authToken ?? 'fake-sms-auth-token';
    this.#server = createServer((req, res) => {
      let raw = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => {
        raw += chunk;
      });
      req.on('end', () => this.#answer(req.method, req.url, req.headers, raw, res));
    });
  }

  /** API base to configure as SMS_API_URL (the account path is appended by the client). */
  get url(): string {
    return this.#url;
  }

  async start(): Promise<this> {
    this.#server.listen(0, '127.0.0.1');
    await once(this.#server, 'listening');
    this.#url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/2010-04-01`;
    return this;
  }

  /** Messages accepted for one number. */
  messagesTo(to: string): FakeSms[] {
    return this.messages.filter((message) => message.to === to);
  }

  async stop(): Promise<void> {
    for (const response of this.#hanging) response.destroy();
    this.#server.closeAllConnections();
    await new Promise((resolve) => this.#server.close(resolve));
  }

  /** Why a request is not accepted (status, provider code, message), 'hang', or undefined to accept it. */
  #refusal(
    method: string | undefined,
    url: string | undefined,
    headers: Record<string, string | string[] | undefined>,
    raw: string,
  ): [number, number, string] | 'hang' | undefined {
    if (method !== 'POST' || url !== `/2010-04-01/Accounts/${this.accountSid}/Messages.json`)
      return [404, 20404, 'The requested resource was not found'];
    const expected = `Basic ${Buffer.from(`${this.accountSid}:${this.authToken}`).toString('base64')}`;
    if (headers.authorization !== expected) return [401, 20003, 'Authenticate'];
    this.requests++;
    const form = new URLSearchParams(raw);
    if (!form.get('To') || !form.get('From') || !form.get('Body'))
      return [400, 21604, "A 'To', 'From' and 'Body' are required"];
    switch (this.mode) {
      case 'error':
        return [500, 20500, 'Internal Server Error'];
      case 'invalid-number':
        return [400, 21211, `The 'To' number ${form.get('To')} is not a valid phone number.`];
      case 'rate-limited':
        return [429, 20429, 'Too Many Requests'];
      case 'hang':
        return 'hang';
      default:
        return undefined;
    }
  }

  #answer(
    method: string | undefined,
    url: string | undefined,
    headers: Record<string, string | string[] | undefined>,
    raw: string,
    res: ServerResponse,
  ): void {
    const json = (status: number, value: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
    };
    const fault = (status: number, code: number, message: string): void =>
      json(status, { code, message, more_info: `https://example.test/errors/${code}`, status });
    const refusal = this.#refusal(method, url, headers, raw);
    if (refusal === 'hang') {
      this.#hanging.add(res);
      return;
    }
    if (refusal) {
      fault(...refusal);
      return;
    }
    const form = new URLSearchParams(raw);
    const [to, from, body] = [form.get('To')!, form.get('From')!, form.get('Body')!];
    const token = headers['i-twilio-idempotency-token'];
    const sid = `SM${String(this.messages.length + 1).padStart(32, '0')}`;
    this.messages.push({
      sid,
      to,
      from,
      body,
      idempotencyToken: typeof token === 'string' ? token : undefined,
    });
    json(201, { sid, account_sid: this.accountSid, to, from, body, status: 'queued', num_segments: '1' });
  }
}
