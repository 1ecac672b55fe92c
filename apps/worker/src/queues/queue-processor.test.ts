import { type Job, UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { createQueueProcessor } from './queue-processor.js';

const payload = { userId: '3f1c2b4a-9d8e-4f7a-8b6c-5d4e3f2a1b0c', email: 'ada@example.com', name: 'Ada' };
const job = (name: string, data: unknown) => ({ id: '1', name, data }) as Job;

describe('createQueueProcessor', () => {
  const calls: unknown[] = [];
  const process = createQueueProcessor('email', {
    welcome: async (_job, name, parsed) => {
      calls.push([name, parsed]);
      return 'done';
    },
  });

  it('hands the parsed payload (unknown fields stripped) to the handler of the job name', async () => {
    await expect(process(job('welcome', { ...payload, extra: 1 }))).resolves.toBe('done');
    expect(calls).toEqual([['welcome', payload]]);
  });

  it.each([
    ['an invalid payload', job('welcome', { ...payload, email: 'nope' }), /invalid job email\/welcome/],
    ['a job name the queue does not have', job('farewell', payload), /unknown job name/],
    ['a known job this worker has no handler for', job('verification', payload), /no handler/],
  ])('fails %s with UnrecoverableError (no retries)', async (_case, input, message) => {
    const error = await process(input).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnrecoverableError);
    expect((error as Error).message).toMatch(message);
  });

  it('lets a handler failure through as a normal (retried) error', async () => {
    const failing = createQueueProcessor('email', {
      welcome: async () => {
        throw new Error('smtp down');
      },
    });
    const error = await failing(job('welcome', payload)).catch((caught: unknown) => caught);
    expect(error).not.toBeInstanceOf(UnrecoverableError);
  });
});
