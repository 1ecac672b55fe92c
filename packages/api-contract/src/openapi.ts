import { z } from 'zod';
import { Problem } from './common-schemas.js';
import type { ApiRoute } from './routes.js';

type JsonSchema = Record<string, unknown>;

const statusText: Record<number, string> = {
  200: 'OK', 201: 'Created', 204: 'No content', 304: 'Not modified', 400: 'Invalid request', 401: 'No or invalid token',
  403: 'Forbidden', 404: 'Not found', 409: 'Conflict', 413: 'Body too large', 415: 'Unsupported media type', 429: 'Rate limited', 503: 'Unavailable',
};

/**
 * An OpenAPI 3.1 document from the route table. Schemas come from zod (JSON Schema 2020-12, which
 * OpenAPI 3.1 uses as is); schemas with a `meta({ id })` become shared components.
 */
export function buildOpenApiDocument(routes: readonly ApiRoute[], info: { title: string; version: string; serverUrl: string }) {
  const components: Record<string, JsonSchema> = {};
  const convert = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
    const json = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema & { $defs?: Record<string, JsonSchema> };
    const { $schema: _ignored, $defs, ...rest } = json;
    for (const [name, definition] of Object.entries($defs ?? {})) components[name] = relink(definition);
    const id = (z.globalRegistry.get(schema) as { id?: string } | undefined)?.id;
    if (id) {
      components[id] = relink(rest);
      return { $ref: `#/components/schemas/${id}` };
    }
    return relink(rest);
  };

  const problem = convert(Problem, 'output');
  const problemResponse = (status: number) => ({ description: statusText[status] ?? 'Error', content: { 'application/problem+json': { schema: problem } } });

  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const parameters = [
      ...parametersOf(route.params, 'path', convert),
      ...parametersOf(route.query, 'query', convert),
    ];
    const responses: Record<string, unknown> = {
      [route.success.status]: route.success.body
        ? { description: statusText[route.success.status] ?? 'OK', content: { 'application/json': { schema: convert(route.success.body, 'output') } } }
        : { description: statusText[route.success.status] ?? 'OK' },
    };
    for (const status of [400, ...(route.access === 'anyone' ? [] : [401]), ...(route.errors ?? []), 429, 503]) {
      responses[status] = status === 304 ? { description: statusText[304] } : problemResponse(status);
    }
    paths[`/api/v1${route.path}`] ??= {};
    paths[`/api/v1${route.path}`]![route.method] = {
      summary: route.summary,
      tags: [route.tag],
      ...(route.access === 'anyone' ? {} : { security: [{ bearer: [] }], description: route.access === 'admin' ? 'Administrators only.' : 'Signed-in users.' }),
      ...(parameters.length ? { parameters } : {}),
      ...(route.rawBodyTypes
        ? { requestBody: { required: true, content: Object.fromEntries(route.rawBodyTypes.map((type) => [type, { schema: { type: 'string', contentMediaType: type } }])) } }
        : route.body
          ? { requestBody: { required: true, content: { 'application/json': { schema: convert(route.body, 'input') } } } }
          : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: info.title, version: info.version },
    servers: [{ url: info.serverUrl }],
    paths,
    components: { schemas: components, securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
  };
}

function parametersOf(object: z.ZodObject | undefined, where: 'path' | 'query', convert: (schema: z.ZodType, io: 'input') => JsonSchema) {
  if (!object) return [];
  return Object.entries(object.shape).map(([name, schema]) => ({
    name,
    in: where,
    required: where === 'path' || !(schema as z.ZodType).safeParse(undefined).success,
    schema: convert(schema as z.ZodType, 'input'),
  }));
}

/** zod writes references to `#/$defs/X`; in OpenAPI they live under components. */
function relink(schema: JsonSchema): JsonSchema {
  return JSON.parse(JSON.stringify(schema).replaceAll('"#/$defs/', '"#/components/schemas/')) as JsonSchema;
}
