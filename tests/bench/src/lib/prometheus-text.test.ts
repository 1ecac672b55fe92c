import { describe, expect, it } from 'vitest';
import { parsePrometheusText, sumOf } from './prometheus-text.js';

const text = `# HELP cache_events_total Cache events
# TYPE cache_events_total counter
cache_events_total{namespace="restaurant-detail",event="l1_hit",service="restaurant-service"} 40
cache_events_total{namespace="restaurant-detail",event="miss",service="restaurant-service"} 2
cache_events_total{namespace="search-results",event="l1_hit",service="restaurant-service"} 5
db_query_duration_seconds_count{service="restaurant-service",server="replica-1"} 7
nodejs_eventloop_lag_p99_seconds 0.0123
weird{label="a \\"quoted\\" value"} 1
`;

describe('parsePrometheusText', () => {
  const samples = parsePrometheusText(text);

  it('reads names, labels and values, skipping comments', () => {
    expect(samples).toHaveLength(6);
    expect(samples[0]).toEqual({
      name: 'cache_events_total',
      labels: { namespace: 'restaurant-detail', event: 'l1_hit', service: 'restaurant-service' },
      value: 40,
    });
    expect(samples.find((sample) => sample.name === 'nodejs_eventloop_lag_p99_seconds')?.value).toBe(0.0123);
    expect(samples.at(-1)?.labels.label).toBe('a \\"quoted\\" value');
  });

  it('sums the samples whose labels match', () => {
    expect(sumOf(samples, 'cache_events_total', { event: 'l1_hit' })).toBe(45);
    expect(sumOf(samples, 'cache_events_total', { namespace: 'restaurant-detail' })).toBe(42);
    expect(sumOf(samples, 'db_query_duration_seconds_count')).toBe(7);
    expect(sumOf(samples, 'missing')).toBe(0);
  });
});
