import { describe, expect, it } from 'vitest';
import { parsePrometheusText } from './prometheus-text.js';

describe('parsePrometheusText', () => {
  it('reads samples with labels, skips comments, keeps escaped quotes', () => {
    const text = [
      '# HELP db_pool_connections pg pool connections',
      '# TYPE db_pool_connections gauge',
      'db_pool_connections{server="primary",state="total",service="user-service"} 4',
      'process_resident_memory_bytes 123456 1700000000000',
      'odd{label="a \\"quoted\\" value"} +Inf',
      'not a sample line',
      '',
    ].join('\n');
    expect(parsePrometheusText(text)).toEqual([
      {
        name: 'db_pool_connections',
        labels: { server: 'primary', state: 'total', service: 'user-service' },
        value: 4,
      },
      { name: 'process_resident_memory_bytes', labels: {}, value: 123456 },
      { name: 'odd', labels: { label: 'a "quoted" value' }, value: Infinity },
    ]);
  });
});
