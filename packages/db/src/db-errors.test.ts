import { ProblemError } from '@tablestack/service-kit';
import { describe, expect, it } from 'vitest';
import {
  DbConflictError,
  DbInvalidTextError,
  DbPoolExhaustedError,
  DbStatementTimeoutError,
  DbUnavailableError,
  translateDbError,
} from './db-errors.js';

/** The shape Prisma 7 gives driver errors through @prisma/adapter-pg (seen against a real server). */
function prismaError(code: string, cause: object, message = 'Invalid invocation'): Error {
  return Object.assign(new Error(message), {
    code,
    meta: { driverAdapterError: { name: 'DriverAdapterError', cause } },
  });
}

describe('translateDbError', () => {
  it('maps pg-pool connection timeouts to DB_POOL_EXHAUSTED with Retry-After', () => {
    const typed = translateDbError(new Error('timeout exceeded when trying to connect'), 'replica-1');
    expect(typed).toBeInstanceOf(DbPoolExhaustedError);
    expect(typed).toMatchObject({
      status: 503,
      code: 'DB_POOL_EXHAUSTED',
      server: 'replica-1',
      headers: { 'Retry-After': '1' },
    });
  });

  it('maps a transaction that could not start in time to DB_POOL_EXHAUSTED', () => {
    const error = Object.assign(
      new Error('Transaction API error: Unable to start a transaction in the given time.'),
      { code: 'P2028' },
    );
    expect(translateDbError(error)).toBeInstanceOf(DbPoolExhaustedError);
  });

  it('maps unique violations from model writes (P2002) and raw SQL (P2010) to 409 with the constraint', () => {
    const cause = {
      originalCode: '23505',
      kind: 'UniqueConstraintViolation',
      constraint: { index: 'users_email_key' },
    };
    for (const code of ['P2002', 'P2010']) {
      const typed = translateDbError(prismaError(code, cause));
      expect(typed).toBeInstanceOf(DbConflictError);
      expect(typed).toMatchObject({ status: 409, code: 'CONFLICT', constraint: 'users_email_key' });
    }
  });

  it('maps unreachable servers and lost connections to DB_UNAVAILABLE', () => {
    expect(translateDbError(prismaError('P1001', { kind: 'DatabaseNotReachable' }))).toBeInstanceOf(
      DbUnavailableError,
    );
    expect(translateDbError(new Error('Connection terminated unexpectedly'))).toBeInstanceOf(
      DbUnavailableError,
    );
    expect(
      translateDbError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })),
    ).toBeInstanceOf(DbUnavailableError);
    expect(translateDbError(prismaError('P2010', { originalCode: '57P01' }))).toBeInstanceOf(
      DbUnavailableError,
    );
  });

  it('maps cancelled statements (57014) to DB_STATEMENT_TIMEOUT', () => {
    expect(translateDbError(prismaError('P2010', { originalCode: '57014' }))).toBeInstanceOf(
      DbStatementTimeoutError,
    );
  });

  it('maps text Postgres cannot store (22021 NUL, 22P05) to a 400 INVALID_TEXT', () => {
    for (const originalCode of ['22021', '22P05']) {
      const typed = translateDbError(prismaError('P2010', { originalCode }));
      expect(typed).toBeInstanceOf(DbInvalidTextError);
      expect((typed as DbInvalidTextError).status).toBe(400);
    }
  });

  it('leaves other errors and ProblemErrors as they are', () => {
    const other = new Error('something else');
    const problem = new ProblemError('NOT_FOUND');
    expect(translateDbError(other)).toBe(other);
    expect(translateDbError(problem)).toBe(problem);
    expect(translateDbError('a string')).toBe('a string');
  });

  it('never puts the driver message in what a client sees', () => {
    const typed = translateDbError(
      prismaError('P2002', {
        originalCode: '23505',
        originalMessage: 'Key (email)=(secret@x) already exists.',
      }),
    ) as DbConflictError;
    expect(JSON.stringify({ detail: typed.detail, extensions: typed.extensions })).not.toContain('secret');
  });
});
