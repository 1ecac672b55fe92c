import { createHash } from 'node:crypto';

/**
 * A UUID derived from the job and the recipient, so a job that runs twice inserts the same primary key
 * and the second insert is skipped (ON CONFLICT DO NOTHING) instead of notifying twice.
 */
export function notificationId(jobKey: string, userId: string): string {
  const hex = createHash('sha256').update(`${jobKey}\u0000${userId}`).digest('hex');
  // Shaped as an RFC 9562 version 8 (custom) UUID.
  const variant = ((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
