import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Integration files share the stack's replicas, and one of them pauses their replay: one file at a time.
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
