import { z } from 'zod';

/** Variables every service reads. Services extend this schema with their own. */
export const baseEnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  /** Port the HTTP server listens on. */
  PORT: z.coerce.number().int().min(1).max(65_535),
  /** Interface to bind; @default 0.0.0.0 */
  HOST: z.string().min(1).default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Name of this replica in logs and metrics; @default the host name and pid */
  INSTANCE_ID: z.string().min(1).optional(),
  /** Time in-flight requests get after SIGTERM. */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(120_000).default(10_000),
  /** Largest JSON body accepted (bytes or a size like 100kb); larger gets 413. */
  JSON_BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb)?$/i, 'expected a size such as 100kb')
    .default('100kb'),
});

export type BaseEnv = z.infer<typeof baseEnvSchema>;

/** Thrown by loadEnv; its message is one line that names every bad variable. */
export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid environment: ${problems.join('; ')}`);
    this.name = 'EnvError';
  }
}

/** Parses env with a zod schema. Values are echoed for bad variables unless they look secret. */
export function loadEnv<Schema extends z.ZodType>(
  schema: Schema,
  source: Record<string, string | undefined> = process.env,
): z.infer<Schema> {
  const result = schema.safeParse(source);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join('.') || '(root)';
    const value = source[name];
    const shown =
      value === undefined
        ? 'not set'
        : /SECRET|PASSWORD|KEY|TOKEN|URL/i.test(name)
          ? 'value hidden'
          : `got "${value}"`;
    return `${name}: ${issue.message} (${shown})`;
  });
  throw new EnvError(problems);
}

/**
 * For composition roots: parse env or stop the process with exit code 1 and one line on stderr that
 * names the variable, before anything else has started.
 */
export function loadEnvOrExit<Schema extends z.ZodType>(
  service: string,
  schema: Schema,
  source: Record<string, string | undefined> = process.env,
): z.infer<Schema> {
  try {
    return loadEnv(schema, source);
  } catch (error) {
    if (!(error instanceof EnvError)) throw error;
    process.stderr.write(`${service}: ${error.message}\n`);
    process.exit(1);
  }
}

/**
 * For composition roots, after loadEnvOrExit: checks that need the parsed env (e.g. production must
 * not run on a development secret) stop the process the same way, with the same one line.
 */
export function exitOnEnvProblems(service: string, problems: readonly string[]): void {
  if (problems.length === 0) return;
  process.stderr.write(`${service}: ${new EnvError([...problems]).message}\n`);
  process.exit(1);
}
