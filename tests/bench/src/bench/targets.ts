// The targets of issue 9, as ratios measured within one run, and whether a run met them.

export interface Figures {
  fullDetailRps: number;
  naiveRps: number;
  directDetailRps: number;
  expressRps: number;
  fullDetailHalfLoadP99Ms: number | null;
  cacheRatio: number;
  cacheHitRate: number | null;
}

export interface TargetCheck {
  name: string;
  measured: number | null;
  target: string;
  met: boolean;
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : 0);

export function checkTargets(figures: Figures): TargetCheck[] {
  const fullVsNaive = ratio(figures.fullDetailRps, figures.naiveRps);
  const fullVsDirect = ratio(figures.fullDetailRps, figures.directDetailRps);
  const directVsExpress = ratio(figures.directDetailRps, figures.expressRps);
  const p99 = figures.fullDetailHalfLoadP99Ms;
  const hits = figures.cacheHitRate;
  return [
    {
      name: 'full path ÷ naive baseline (cached detail, req/s)',
      measured: fullVsNaive,
      target: '≥ 2',
      met: fullVsNaive >= 2,
    },
    {
      name: 'full path ÷ restaurant-service direct (cached detail, req/s)',
      measured: fullVsDirect,
      target: '≥ 0.6',
      met: fullVsDirect >= 0.6,
    },
    {
      name: 'restaurant-service direct ÷ minimal Express (cached detail, req/s)',
      measured: directVsExpress,
      target: '≥ 0.8',
      met: directVsExpress >= 0.8,
    },
    {
      name: 'full path p99 at half load, cached detail (ms)',
      measured: p99,
      target: '≤ 25',
      met: p99 !== null && p99 <= 25,
    },
    {
      name: 'cache on ÷ cache off (Zipf reads, req/s)',
      measured: figures.cacheRatio,
      target: '≥ 10',
      met: figures.cacheRatio >= 10,
    },
    {
      name: 'cache hit rate with the cache on',
      measured: hits,
      target: '≥ 0.95',
      met: hits !== null && hits >= 0.95,
    },
  ];
}
