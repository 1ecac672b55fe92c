import type { CdnPurger } from './cdn-purger.js';

export interface CloudflareCdnPurgerOptions {
  /** API base, e.g. https://api.cloudflare.com/client/v4 (a local fake in tests). */
  apiUrl: string;
  zoneId: string;
  /** API token with Zone › Cache Purge; sent as a bearer token, never logged or put in an error. */
  apiToken: string;
  timeoutMs: number;
  /** URLs per request: Cloudflare takes at most 30 files per purge call on most plans. @default 30 */
  batchSize?: number;
  fetch?: typeof fetch;
}

/** A purge the CDN refused or that did not reach it; its message names the status and the API's errors. */
export class CdnPurgeError extends Error {
  override readonly name = 'CdnPurgeError';

  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

interface CloudflareAnswer {
  success?: boolean;
  errors?: Array<{ code?: number; message?: string }>;
}

/**
 * Cloudflare's "purge files by URL": `POST <api>/zones/<zone>/purge_cache` with `{ files: [...] }`
 * and `Authorization: Bearer <token>`, answered `{ success, errors, messages, result }`. Any answer
 * other than 2xx with `success: true` is a failure.
 */
export class CloudflareCdnPurger implements CdnPurger {
  readonly name = 'cloudflare';
  readonly #options: Required<Omit<CloudflareCdnPurgerOptions, 'fetch'>> & { fetch: typeof fetch };

  constructor(options: CloudflareCdnPurgerOptions) {
    this.#options = { batchSize: 30, fetch: globalThis.fetch, ...options };
  }

  async purge(urls: readonly string[]): Promise<void> {
    const unique = [...new Set(urls)];
    for (let start = 0; start < unique.length; start += this.#options.batchSize)
      await this.#purgeBatch(unique.slice(start, start + this.#options.batchSize));
  }

  async #purgeBatch(files: string[]): Promise<void> {
    const { apiUrl, zoneId, apiToken, timeoutMs } = this.#options;
    const endpoint = `${apiUrl.replace(/\/+$/, '')}/zones/${encodeURIComponent(zoneId)}/purge_cache`;
    let response: Response;
    try {
      response = await this.#options.fetch(endpoint, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ files }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new CdnPurgeError(`CDN purge request failed: ${(error as Error).message}`);
    }
    const answer = (await response.json().catch(() => ({}))) as CloudflareAnswer;
    if (response.ok && answer.success === true) return;
    const reasons = (answer.errors ?? []).map((error) =>
      `${error.code ?? '?'} ${error.message ?? ''}`.trim(),
    );
    throw new CdnPurgeError(
      `CDN purge refused (HTTP ${response.status})${reasons.length ? `: ${reasons.join('; ')}` : ''}`,
      response.status,
    );
  }
}
