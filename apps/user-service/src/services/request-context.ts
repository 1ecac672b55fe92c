/** What a service call needs to know about the HTTP request it serves, without knowing Express. */
export interface RequestContext {
  /** The request's logger (bound to its request id). */
  log: {
    info(details: object, message: string): void;
    warn(details: object, message: string): void;
  };
  /** Stored with refresh tokens so a user can tell sessions apart; truncated. */
  userAgent: string | null;
}
