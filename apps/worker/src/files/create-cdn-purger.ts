import type { WorkerEnv } from '../env.js';
import { type CdnPurger, NoCdnPurger } from './cdn-purger.js';
import { CloudflareCdnPurger } from './cloudflare-cdn-purger.js';

/** The purger CDN_PURGE_PROVIDER names (its settings were checked by configurationProblems). */
export function createCdnPurger(env: WorkerEnv): CdnPurger {
  switch (env.CDN_PURGE_PROVIDER) {
    case 'cloudflare':
      return new CloudflareCdnPurger({
        apiUrl: env.CDN_PURGE_API_URL,
        zoneId: env.CDN_ZONE_ID,
        apiToken: env.CDN_API_TOKEN,
        timeoutMs: env.CDN_PURGE_TIMEOUT_MS,
      });
    default:
      return new NoCdnPurger();
  }
}
