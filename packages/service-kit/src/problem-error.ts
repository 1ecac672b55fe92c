import { type ErrorCode, errorCodes } from './error-codes.js';

/** Extra members of a problem document (RFC 9457 allows extensions), e.g. `errors` or `retryAfter`. */
export type ProblemExtensions = Record<string, unknown>;

export interface ProblemErrorOptions {
  /** Human-readable explanation specific to this occurrence. Never put secrets or stack traces here. */
  detail?: string;
  /** HTTP status; @default the status of the code in the catalog */
  status?: number;
  /** Title; @default the title of the code in the catalog */
  title?: string;
  /** Extension members copied into the response body. */
  extensions?: ProblemExtensions;
  /** Response headers to set with the problem, e.g. `Retry-After`. */
  headers?: Record<string, string>;
  cause?: unknown;
}

/**
 * An error that knows how it is shown to a client: the error middleware turns it into an
 * `application/problem+json` response. Anything that is not a ProblemError becomes a generic 500.
 */
export class ProblemError extends Error {
  readonly code: string;
  readonly status: number;
  readonly title: string;
  readonly detail: string | undefined;
  readonly extensions: ProblemExtensions;
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode | (string & {}), options: ProblemErrorOptions = {}) {
    const known = (errorCodes as Record<string, { status: number; title: string }>)[code];
    super(options.detail ?? known?.title ?? code, { cause: options.cause });
    this.name = 'ProblemError';
    this.code = code;
    this.status = options.status ?? known?.status ?? 500;
    this.title = options.title ?? known?.title ?? code;
    this.detail = options.detail;
    this.extensions = options.extensions ?? {};
    this.headers = options.headers ?? {};
  }
}
