import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // promtool, nginx and turbo prune are real processes on a shared 2-core machine.
    testTimeout: 60_000,
    fileParallelism: false,
  },
});
