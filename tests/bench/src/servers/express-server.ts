// A minimal Express 5 app: one route sending the same JSON as the bare server (res.json of the parsed
// body, as a service would send an object), no middleware. What Express alone costs.

import { readFileSync } from 'node:fs';
import express from 'express';

const value: unknown = JSON.parse(readFileSync(process.env.BODY_FILE!, 'utf8'));
const app = express();
app.get('/health', (_req, res) => {
  res.send('ok');
});
app.get('/{*path}', (_req, res) => {
  res.json(value);
});
const server = app.listen(Number(process.env.PORT), '127.0.0.1');
server.keepAliveTimeout = 65_000;
process.on('SIGTERM', () => server.close(() => process.exit(0)));
