import type { z } from 'zod';

/** A job whose queue, name or payload does not match `jobSchemas`. Never worth retrying. */
export class InvalidJobError extends Error {
  override readonly name = 'InvalidJobError';
  readonly code = 'INVALID_JOB';

  constructor(
    readonly queue: string,
    readonly jobName: string,
    detail: string,
    readonly issues: z.core.$ZodIssue[] = [],
  ) {
    super(`invalid job ${queue}/${jobName}: ${detail}`);
  }
}
