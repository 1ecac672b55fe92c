import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from './openapi.js';
import { apiRoutes } from './routes.js';
import { RegisterBody, UpdateMeBody } from './user-schemas.js';

const document = buildOpenApiDocument(apiRoutes, { title: 'Tablestack', version: '1', serverUrl: 'http://localhost' });

/** Every `$ref` in the document, so each can be checked to resolve. */
function refsIn(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) refsIn(item, found);
  else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key === '$ref' && typeof inner === 'string') found.push(inner);
      else refsIn(inner, found);
    }
  }
  return found;
}

describe('OpenAPI document', () => {
  it('is OpenAPI 3.1 with every route of the table', () => {
    expect(document.openapi).toBe('3.1.0');
    for (const route of apiRoutes) expect(document.paths[`/api/v1${route.path}`]?.[route.method]).toBeDefined();
  });

  it('resolves every reference to a component', () => {
    const refs = refsIn(document);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      expect(ref).toMatch(/^#\/components\/schemas\//);
      expect(document.components.schemas[ref.split('/').pop()!]).toBeDefined();
    }
  });

  it('documents bodies, parameters, auth and problem answers', () => {
    const register = document.paths['/api/v1/auth/register']!.post as Record<string, any>;
    expect(register.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/RegisterBody' });
    expect(register.responses['409'].content['application/problem+json']).toBeDefined();
    const byEmail = document.paths['/api/v1/users/by-email/{email}']!.get as Record<string, any>;
    expect(byEmail.security).toEqual([{ bearer: [] }]);
    expect(byEmail.parameters[0]).toMatchObject({ name: 'email', in: 'path', required: true });
    const search = document.paths['/api/v1/restaurants/search']!.get as Record<string, any>;
    expect(search.parameters.find((parameter: { name: string }) => parameter.name === 'q')).toMatchObject({ required: true });
    expect(search.parameters.find((parameter: { name: string }) => parameter.name === 'page')).toMatchObject({ required: false });
  });

  it('documents the photo upload as a raw image body with its 413 and 415 answers', () => {
    const upload = document.paths['/api/v1/restaurants/{id}/photos']!.post as Record<string, any>;
    expect(Object.keys(upload.requestBody.content)).toEqual(['image/jpeg', 'image/png', 'image/webp']);
    expect(upload.requestBody.content['image/png'].schema).toEqual({ type: 'string', contentMediaType: 'image/png' });
    expect(upload.responses['201'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Photo' });
    for (const status of ['403', '404', '413', '415']) expect(upload.responses[status].content['application/problem+json']).toBeDefined();
  });
});

describe('contract schemas', () => {
  it('normalize emails and refuse unknown fields (no mass assignment)', () => {
    expect(RegisterBody.parse({ email: '  Ana@Example.COM ', password: 'long enough pw', name: 'Ana' }).email).toBe('ana@example.com');
    expect(UpdateMeBody.safeParse({ name: 'Ana', role: 'ADMIN' }).success).toBe(false);
    expect(UpdateMeBody.safeParse({ name: 'Ana', email: 'x@y.z' }).success).toBe(false);
  });
});
