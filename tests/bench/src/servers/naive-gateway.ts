// The naive baseline's gateway: an Express app with http-proxy-middleware at its defaults in front of
// TARGET_URL, what a team gets by wiring the parts without care (no agent options, no pooling
// settings, no timeouts). Its upstream is the minimal Express service; nginx (naive config) in front.

import express from 'express';
import { createProxyMiddleware } from 'http-proxy-middleware';

const app = express();
app.get('/health', (_req, res) => {
  res.send('ok');
});
app.use(createProxyMiddleware({ target: process.env.TARGET_URL! }));
const server = app.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
