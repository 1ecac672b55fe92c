import { describe, expect, it } from 'vitest';
import { stackEnv } from './stack-env.js';

const apps = stackEnv.apps;

describe('every app through nginx', () => {
  it('runs all four apps', () => {
    expect([...apps].sort()).toEqual(['gateway', 'restaurant-service', 'user-service', 'worker']);
  });

  describe.each(apps)('%s', (app) => {
    it('answers /health', async () => {
      const response = await fetch(`${stackEnv.publicUrl}/_ops/${app}/health`);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ status: 'ok', service: app });
    });

    it('answers /ready', async () => {
      const response = await fetch(`${stackEnv.publicUrl}/_ops/${app}/ready`);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ ready: true });
    });

    it('answers /metrics in the Prometheus format', async () => {
      const response = await fetch(`${stackEnv.publicUrl}/_ops/${app}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
      const body = await response.text();
      expect(body).toContain(`process_resident_memory_bytes{service="${app}"}`);
      expect(body).toContain('# TYPE http_request_duration_seconds histogram');
    });
  });

  it.each(['user-service', 'restaurant-service'])('lets the gateway reach %s /health', async (upstream) => {
    const response = await fetch(`${stackEnv.publicUrl}/upstreams/${upstream}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', service: upstream });
  });

  it('serves the gateway itself at the public entry, with every upstream replica closed', async () => {
    const response = await fetch(`${stackEnv.publicUrl}/health`);
    const health = (await response.json()) as { status: string; service: string; upstreams: Record<string, Array<{ state: string }>> };
    expect(health).toMatchObject({ status: 'ok', service: 'gateway' });
    expect(Object.keys(health.upstreams).sort()).toEqual(['restaurant-service', 'user-service', 'worker']);
    for (const replicas of Object.values(health.upstreams)) for (const replica of replicas) expect(replica.state).toBe('closed');
  });

  it('serves the OpenAPI document and the docs page', async () => {
    const document = (await (await fetch(`${stackEnv.publicUrl}/openapi.json`)).json()) as { openapi: string };
    expect(document.openapi).toBe('3.1.0');
    const docs = await fetch(`${stackEnv.publicUrl}/docs`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('swagger-ui');
  });
});
