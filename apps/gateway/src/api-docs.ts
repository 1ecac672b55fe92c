import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { apiRoutes, buildOpenApiDocument } from '@tablestack/api-contract';
import express, { type Router } from 'express';

const require = createRequire(import.meta.url);
/** swagger-ui-dist's files, served from here: the network our users deploy in may not reach a CDN. */
const swaggerUiDir = dirname(require.resolve('swagger-ui-dist/package.json'));

const page = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Tablestack API</title><link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="docs"></div><script src="/docs/assets/swagger-ui-bundle.js"></script><script src="/docs/init.js"></script></body>
</html>`;
// A file rather than an inline script, so helmet's Content-Security-Policy (script-src 'self') holds.
const init = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#docs', deepLinking: true });`;

/** GET /openapi.json (OpenAPI 3.1 from the zod contract) and GET /docs (Swagger UI). */
export function apiDocs(): Router {
  const document = buildOpenApiDocument(apiRoutes, { title: 'Tablestack API', version: '1.0.0', serverUrl: '/' });
  const router = express.Router();
  router.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  router.get('/docs', (_req, res) => {
    res.type('html').send(page);
  });
  router.get('/docs/init.js', (_req, res) => {
    res.type('js').send(init);
  });
  router.use('/docs/assets', express.static(swaggerUiDir, { maxAge: '1d', index: false }));
  return router;
}
