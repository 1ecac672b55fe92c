import { Database, dbEnvSchema } from '@tablestack/db';
import { afterAll, describe, expect, it } from 'vitest';
import { enqueueOutbox } from './enqueue-outbox.js';
import { InvalidJobError } from './invalid-job-error.js';

const DATABASE_URL = process.env.DATABASE_URL;
if (!DATABASE_URL) throw new Error('DATABASE_URL is not set: run integration tests through ./stack test');

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const db = new Database({ env: dbEnvSchema.parse({ DATABASE_URL }), logger: silent, service: 'jobs-it' });
// Far in the future, so a running worker's relay never publishes these rows.
const availableAt = new Date('2999-01-01T00:00:00Z');
const written: string[] = [];

afterAll(async () => {
  await db.primary().outbox.deleteMany({ where: { id: { in: written } } });
  await db.close();
});

describe('enqueueOutbox in a real transaction', () => {
  it('writes the row when the transaction commits', async () => {
    const id = await db.transaction((tx) => enqueueOutbox(tx, 'cleanup', 'old-jobs', {}, { availableAt }));
    written.push(id);
    const row = await db.primary().outbox.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ queue: 'cleanup', jobName: 'old-jobs', payload: {}, status: 'PENDING' });
    expect(row.availableAt).toEqual(availableAt);
  });

  it('writes nothing when the transaction rolls back', async () => {
    let id = '';
    await expect(
      db.transaction(async (tx) => {
        id = await enqueueOutbox(tx, 'cleanup', 'old-jobs', {}, { availableAt });
        throw new Error('business change failed');
      }),
    ).rejects.toThrow('business change failed');
    expect(id).not.toBe('');
    expect(await db.primary().outbox.findUnique({ where: { id } })).toBeNull();
  });

  it('refuses an invalid payload before writing', async () => {
    await expect(
      db.transaction((tx) =>
        enqueueOutbox(tx, 'email', 'welcome', { userId: 'x', email: 'x', name: '' }, { availableAt }),
      ),
    ).rejects.toThrow(InvalidJobError);
  });
});
