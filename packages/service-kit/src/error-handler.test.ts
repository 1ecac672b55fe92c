import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { toProblemError } from './error-handler.js';
import { ProblemError } from './problem-error.js';

describe('toProblemError', () => {
  it.each([
    ['a ProblemError', new ProblemError('CONFLICT', { detail: 'taken' }), 409, 'CONFLICT', false],
    [
      'a body too large',
      Object.assign(new Error('too big'), { type: 'entity.too.large', status: 413 }),
      413,
      'PAYLOAD_TOO_LARGE',
      false,
    ],
    [
      'a JSON syntax error',
      Object.assign(new SyntaxError('x'), { type: 'entity.parse.failed', status: 400 }),
      400,
      'MALFORMED_JSON',
      false,
    ],
    [
      'an exposed 4xx',
      Object.assign(new Error('bad'), { status: 400, expose: true }),
      400,
      'BAD_REQUEST',
      false,
    ],
    [
      'an unexposed 4xx-looking error',
      Object.assign(new Error('secret'), { status: 401 }),
      500,
      'INTERNAL',
      true,
    ],
    ['a plain Error', new Error('db password is hunter2'), 500, 'INTERNAL', true],
    ['a thrown string', 'boom', 500, 'INTERNAL', true],
    ['undefined', undefined, 500, 'INTERNAL', true],
  ])('maps %s', (_name, thrown, status, code, unexpected) => {
    const result = toProblemError(thrown);
    expect(result.problem.status).toBe(status);
    expect(result.problem.code).toBe(code);
    expect(result.unexpected).toBe(unexpected);
  });

  it('lists zod issues with their paths', () => {
    const parsed = z
      .object({ name: z.string(), rating: z.number().max(5) })
      .safeParse({ name: 1, rating: 9 });
    const { problem } = toProblemError(parsed.error);
    expect(problem.status).toBe(400);
    expect(problem.code).toBe('VALIDATION_FAILED');
    expect(problem.extensions.errors).toEqual([
      { path: 'name', message: expect.any(String) },
      { path: 'rating', message: expect.any(String) },
    ]);
  });

  it('never carries the message of an unexpected error', () => {
    const { problem } = toProblemError(new Error('db password is hunter2'));
    expect(problem.detail).toBeUndefined();
    expect(problem.message).not.toContain('hunter2');
  });
});
