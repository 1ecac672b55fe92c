/**
 * Removes URLs from a CDN's cache. Files are content-hashed, so a URL's bytes never change: what is
 * purged is the URL of a file that was replaced (a photo's new thumbnails) or deleted (orphans).
 */
export interface CdnPurger {
  readonly name: string;
  /** Resolves once the CDN accepted the purge of every URL; throws otherwise (the job retries). */
  purge(urls: readonly string[]): Promise<void>;
}

/** CDN_PURGE_PROVIDER=none (the default): there is no CDN in front of the files. */
export class NoCdnPurger implements CdnPurger {
  readonly name = 'none';

  async purge(): Promise<void> {}
}
