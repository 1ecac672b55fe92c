import { ProblemError } from '@tablestack/service-kit';

/**
 * Typed database errors. They are ProblemErrors, so a service that lets one escape answers with the
 * right status and code instead of a generic 500; a service that wants a friendlier message (say,
 * "email already registered") catches the type and throws its own.
 */

/** No pooled connection became free within DB_POOL_TIMEOUT. Retrying shortly is the right move. */
export class DbPoolExhaustedError extends ProblemError {
  constructor(server: string, cause: unknown) {
    super('DB_POOL_EXHAUSTED', {
      status: 503,
      title: 'Database busy',
      detail: 'No database connection became free in time; retry shortly.',
      headers: { 'Retry-After': '1' },
      cause,
    });
    this.server = server;
  }
  readonly server: string;
}

/** The server refused or dropped the connection (down, restarting, failing over). */
export class DbUnavailableError extends ProblemError {
  constructor(cause: unknown) {
    super('DB_UNAVAILABLE', {
      status: 503,
      title: 'Database unavailable',
      detail: 'The database is not reachable right now; retry shortly.',
      headers: { 'Retry-After': '2' },
      cause,
    });
  }
}

/** A statement ran past DB_STATEMENT_TIMEOUT and Postgres cancelled it. */
export class DbStatementTimeoutError extends ProblemError {
  constructor(cause: unknown) {
    super('DB_STATEMENT_TIMEOUT', {
      status: 503,
      title: 'Database query timed out',
      detail: 'The query took too long and was cancelled.',
      headers: { 'Retry-After': '2' },
      cause,
    });
  }
}

/**
 * Postgres refused a text value it cannot store (a NUL character, SQLSTATE 22021, or one that has no
 * equivalent in the server encoding, 22P05). Such text can only come from the client: a 400.
 */
export class DbInvalidTextError extends ProblemError {
  constructor(cause: unknown) {
    super('INVALID_TEXT', {
      status: 400,
      title: 'Invalid text',
      detail: 'The request contains text that cannot be stored or searched (for example a NUL character).',
      cause,
    });
  }
}

/** A unique constraint refused the write: the thing already exists. */
export class DbConflictError extends ProblemError {
  constructor(
    readonly constraint: string | undefined,
    cause: unknown,
  ) {
    super('CONFLICT', {
      detail: 'A record with these values already exists.',
      extensions: constraint ? { constraint } : {},
      cause,
    });
  }
}

/** pg-pool's message when connectionTimeoutMillis passes while waiting for (or opening) a connection. */
const POOL_TIMEOUT_MESSAGE = 'timeout exceeded when trying to connect';
/** pg's message when the server goes away mid-query (it carries no SQLSTATE). */
const CONNECTION_LOST_MESSAGE = 'Connection terminated';
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08003',
  '08006',
]);

interface DriverCause {
  originalCode?: string;
  kind?: string;
  constraint?: { index?: string; fields?: string[] };
}

/**
 * Maps what pg, adapter-pg and Prisma throw to the typed errors above; anything else is returned as
 * it was. Prisma wraps driver errors (P2002 for model writes, P2010 for raw SQL) and keeps the
 * driver's details under `meta.driverAdapterError.cause`.
 */
export function translateDbError(error: unknown, server = 'primary'): unknown {
  if (error instanceof ProblemError || !(error instanceof Error)) return error;
  const { code, meta } = error as Error & {
    code?: string;
    meta?: { driverAdapterError?: { cause?: DriverCause } };
  };
  const driver = meta?.driverAdapterError?.cause;
  const sqlState = driver?.originalCode ?? code;
  // A transaction that could not get a connection within maxWait (we set it to DB_POOL_TIMEOUT).
  const transactionWait = code === 'P2028' && error.message.includes('Unable to start a transaction');
  if (transactionWait || error.message.includes(POOL_TIMEOUT_MESSAGE))
    return new DbPoolExhaustedError(server, error);
  if (code === 'P2002' || sqlState === '23505') {
    const constraint = driver?.constraint?.index ?? driver?.constraint?.fields?.join(',');
    return new DbConflictError(constraint, error);
  }
  if (sqlState === '57014') return new DbStatementTimeoutError(error);
  if (sqlState === '22021' || sqlState === '22P05') return new DbInvalidTextError(error);
  if (sqlState !== undefined && UNAVAILABLE_CODES.has(sqlState)) return new DbUnavailableError(error);
  if (error.message.includes(CONNECTION_LOST_MESSAGE)) return new DbUnavailableError(error);
  if (driver?.kind === 'DatabaseNotReachable' || driver?.kind === 'ConnectionClosed')
    return new DbUnavailableError(error);
  return error;
}
