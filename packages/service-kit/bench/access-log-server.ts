// One server of the access-log benchmark (started by access-log-cost.ts, never on its own): a minimal
// Express 5 app whose only difference between variants is how requests are logged. Lines go to
// /dev/null: serializing them is the cost being measured, writing them to a disk is not.
import { openSync, writeSync } from 'node:fs';
import express from 'express';
import { pinoHttp } from 'pino-http';
import { createLogger } from '../src/logger.js';
import { assignRequestId } from '../src/request-id.js';
import { requestLogger } from '../src/request-logger.js';

const variant = process.argv[2];
const fd = openSync('/dev/null', 'w');
const logger = createLogger({
  name: 'bench',
  destination: { write: (line: string) => void writeSync(fd, line) },
});
const app = express();
if (variant === 'pino-http') app.use(pinoHttp({ logger, genReqId: assignRequestId, quietReqLogger: true }));
if (variant === 'request-logger') app.use(requestLogger({ logger }));
const body = { id: 'r1', name: 'Trattoria', cuisine: 'italian', city: 'Lyon', rating: 4.4 };
app.get('/item', (_req, res) => {
  res.json(body);
});
const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.send?.({ port: typeof address === 'object' && address ? address.port : 0 });
});
server.keepAliveTimeout = 65_000;
