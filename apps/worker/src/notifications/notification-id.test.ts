import { describe, expect, it } from 'vitest';
import { notificationId } from './notification-id.js';

describe('notificationId', () => {
  it('is the same for the same job and user, and differs otherwise', () => {
    expect(notificationId('notifications/1', 'u1')).toBe(notificationId('notifications/1', 'u1'));
    expect(notificationId('notifications/1', 'u1')).not.toBe(notificationId('notifications/1', 'u2'));
    expect(notificationId('notifications/1', 'u1')).not.toBe(notificationId('notifications/2', 'u1'));
  });

  it('is a version 8 UUID', () => {
    expect(notificationId('x', 'y')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });
});
