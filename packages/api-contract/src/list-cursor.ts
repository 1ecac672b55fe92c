import { z } from 'zod';
import { Uuid } from './common-schemas.js';

/**
 * Where a keyset page of the restaurant list starts: after the row with this sort value and id. The
 * sort is in the cursor so that a cursor is never applied to another order (that would skip or
 * repeat rows silently). `v` is the row's raw value: `rating_avg` unrounded (the answers round it),
 * `name`, or `created_at` as an ISO string (millisecond precision, as stored).
 */
export const ListCursorPosition = z.discriminatedUnion('s', [
  z.object({ s: z.literal('rating'), v: z.number().min(0).max(5), id: Uuid }).strict(),
  z.object({ s: z.literal('name'), v: z.string().max(200), id: Uuid }).strict(),
  z.object({ s: z.literal('newest'), v: z.iso.datetime(), id: Uuid }).strict(),
]);
export type ListCursorPosition = z.infer<typeof ListCursorPosition>;

const NOT_A_CURSOR = 'not a cursor from a previous answer';

/** The cursor as clients see it: opaque base64url of the position's JSON. */
export function encodeListCursor(position: ListCursorPosition): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

/**
 * A `cursor` query parameter: base64url text that decodes to a position. Anything else (not
 * base64url, not JSON, a position of the wrong shape, a tampered value) fails validation with one
 * issue at `cursor` (a 400 VALIDATION_FAILED problem); the cursor stays opaque, so the issue does not
 * name its inner fields.
 */
export const ListCursor = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,600}$/, { message: NOT_A_CURSOR })
  .transform((text, context): ListCursorPosition => {
    let decoded: unknown;
    try {
      decoded = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    } catch {
      decoded = undefined;
    }
    const position = ListCursorPosition.safeParse(decoded);
    if (position.success) return position.data;
    context.addIssue({ code: 'custom', message: NOT_A_CURSOR });
    return z.NEVER;
  })
  .meta({
    description:
      'nextCursor of a previous answer (opaque); the next page starts after it, whatever was written meanwhile. Not with page.',
  });
