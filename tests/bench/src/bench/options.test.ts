import { describe, expect, it } from 'vitest';
import { parseOptions } from './options.js';

describe('parseOptions', () => {
  it('has defaults and reads every flag', () => {
    expect(parseOptions([], '/out')).toMatchObject({
      phaseMs: 5000,
      connections: 32,
      profile: true,
      outDir: '/out',
    });
    expect(
      parseOptions(
        ['--', '--phase-ms', '2000', '--zipf-s', '0.9', '--no-profile', '--out-dir', '/x'],
        '/out',
      ),
    ).toMatchObject({ phaseMs: 2000, zipfS: 0.9, profile: false, outDir: '/x' });
  });

  it('refuses unknown flags and bad values with the usage', () => {
    expect(() => parseOptions(['--fast'], '/out')).toThrow(/unknown option --fast/);
    expect(() => parseOptions(['--phase-ms', 'soon'], '/out')).toThrow(/positive number/);
    expect(() => parseOptions(['--phase-ms'], '/out')).toThrow(/needs a value/);
  });
});
