/** A dependency check for /ready: resolves when the dependency is usable, throws otherwise. */
export type ReadinessCheck = () => Promise<unknown>;

export interface CheckResult {
  ok: boolean;
  durationMs: number;
  error?: string;
}

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, CheckResult>;
}

/** Runs every check in parallel, each bounded by `timeoutMs`, so /ready never hangs on a dead dependency. */
export async function runReadinessChecks(
  checks: Record<string, ReadinessCheck>,
  timeoutMs: number,
): Promise<ReadinessReport> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]): Promise<[string, CheckResult]> => {
      const started = performance.now();
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          check(),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
          }),
        ]);
        return [name, { ok: true, durationMs: Math.round(performance.now() - started) }];
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        // Only the first line: driver errors can be long, and this endpoint is for operators.
        const firstLine = message.split('\n')[0]?.slice(0, 200) ?? 'failed';
        return [name, { ok: false, durationMs: Math.round(performance.now() - started), error: firstLine }];
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  const results = Object.fromEntries(entries);
  return { ready: entries.every(([, result]) => result.ok), checks: results };
}
