import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const REQUEST_ID_HEADER = 'x-request-id';

// Accept an incoming id only if it is short and printable: it ends up in logs and response headers.
const acceptable = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

/** Takes the caller's `x-request-id` when it is sane, makes one otherwise, and echoes it back. */
export function assignRequestId(req: IncomingMessage, res: ServerResponse): string {
  const incoming = req.headers[REQUEST_ID_HEADER];
  const candidate = Array.isArray(incoming) ? incoming[0] : incoming;
  const id = candidate && acceptable.test(candidate) ? candidate : randomUUID();
  // Upstream calls read the header from the request, so a made id is forwarded like a received one.
  req.headers[REQUEST_ID_HEADER] = id;
  res.setHeader(REQUEST_ID_HEADER, id);
  return id;
}
