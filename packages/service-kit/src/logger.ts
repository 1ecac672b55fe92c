import pino, { type Logger, type LoggerOptions } from 'pino';

export interface LoggerConfig {
  /** Service name, bound to every line. */
  name: string;
  /** @default 'info' */
  level?: string;
  /** Extra bindings, e.g. the instance id of a replica. */
  base?: Record<string, unknown>;
  /** Where lines go; @default stdout */
  destination?: pino.DestinationStream;
}

/**
 * Paths never written to a log: credentials travel in these headers and fields, and logs are read by
 * more people than the database is.
 */
export const redactedPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  // The gateway's proof of identity to the services (INTERNAL_AUTH_SECRET).
  'req.headers["x-internal-auth"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.token',
  '*.refreshToken',
  '*.accessToken',
];

export function createLogger(config: LoggerConfig): Logger {
  const options: LoggerOptions = {
    name: config.name,
    level: config.level ?? 'info',
    base: { service: config.name, pid: process.pid, ...config.base },
    redact: { paths: redactedPaths, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return config.destination ? pino(options, config.destination) : pino(options);
}

export type { Logger };
