// Command-line options of `pnpm bench`; every duration is configurable so that a quick run (or a
// longer, steadier one) needs no code change.

export interface BenchOptions {
  /** Length of each measured phase (saturation, then half load). @default 5000 */
  phaseMs: number;
  /** Saturation slices per case, interleaved with the other cases' (the order rotates each round). @default 2 */
  rounds: number;
  /** Unmeasured load before each case, so JIT and pools are warm. @default 1000 */
  warmupMs: number;
  /** Requests in flight (autocannon connections). @default 32 */
  connections: number;
  /** Connections of the login cases (argon2id makes each login cost tens of ms of CPU). @default 8 */
  loginConnections: number;
  /** Restaurants the Zipf read workload draws from (most reviewed first). @default 1000 */
  zipfItems: number;
  /** Exponent of the Zipf workload. @default 1.1 */
  zipfS: number;
  /** Warm-up of the Zipf workload before the hit rate is counted (the cache fills here). @default 3000 */
  zipfWarmupMs: number;
  /** Profile a gateway under load with --cpu-prof and summarise where its time goes. @default true */
  profile: boolean;
  /** Where the results go. @default tests/bench/results */
  outDir: string;
}

const defaults = {
  phaseMs: 5000,
  rounds: 2,
  warmupMs: 1000,
  connections: 32,
  loginConnections: 8,
  zipfItems: 1000,
  zipfS: 1.1,
  zipfWarmupMs: 3000,
};

const usage = `usage: pnpm bench [--phase-ms 5000] [--rounds 2] [--warmup-ms 1000] [--connections 32] [--login-connections 8]
                  [--zipf-items 1000] [--zipf-s 1.1] [--zipf-warmup-ms 3000] [--no-profile] [--out-dir DIR]`;

export function parseOptions(argv: string[], defaultOutDir: string): BenchOptions {
  const options: BenchOptions = { ...defaults, profile: true, outDir: defaultOutDir };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if (flag === '--') continue;
    if (flag === '--no-profile') {
      options.profile = false;
      continue;
    }
    if (flag === '--help' || flag === '-h') throw new Error(usage);
    const key = flag.replace(/^--/, '').replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
    if (!(key in defaults) && flag !== '--out-dir') throw new Error(`unknown option ${flag}\n${usage}`);
    const value = argv[++i];
    if (value === undefined) throw new Error(`${flag} needs a value\n${usage}`);
    if (flag === '--out-dir') {
      options.outDir = value;
      continue;
    }
    const number = Number(value);
    if (!Number.isFinite(number) || number <= 0)
      throw new Error(`${flag} must be a positive number, got ${value}`);
    (options as unknown as Record<string, number>)[key] = key === 'zipfS' ? number : Math.round(number);
  }
  return options;
}
