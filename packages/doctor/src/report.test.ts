import { describe, expect, it } from 'vitest';
import { formatReport, summarize } from './report.js';

describe('summarize and formatReport', () => {
  it('scores pass 1, warn 0.5, fail 0 and prints one line per check with its findings', () => {
    const report = summarize([
      { id: 'a', title: 'first', status: 'pass', details: ['fine'] },
      { id: 'b', title: 'second', status: 'warn', details: ['hm', 'because'] },
      { id: 'c', title: 'third', status: 'fail', details: ['broken'] },
      { id: 'd', title: 'fourth', status: 'pass', details: [] },
    ]);
    expect(report).toMatchObject({ score: 63, passed: 2, warned: 1, failed: 1 });
    expect(formatReport(report, 'doctor').split('\n')).toEqual([
      'doctor',
      '  PASS  first   fine',
      '  WARN  second  hm',
      '                because',
      '  FAIL  third   broken',
      '  PASS  fourth  ',
      'score: 63/100 (2 pass, 1 warn, 1 fail)',
    ]);
  });
});
