/** The part of a pino logger this package uses; the composition root passes its own logger in. */
export interface RedisLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}
