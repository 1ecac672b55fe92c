/**
 * Where the running stack is. `./stack test` exports these from .stack/test/stack.env; a test run
 * without them fails at once with a line that says how to get them, instead of timing out.
 */
function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the e2e tests through ./stack test (or export .stack/dev/stack.env)`);
  return value;
}

export const stackEnv = {
  get publicUrl() {
    return required('STACK_PUBLIC_URL');
  },
  get databaseUrl() {
    return required('DATABASE_URL');
  },
  get replicaUrls() {
    return required('DATABASE_REPLICA_URLS').split(',').filter(Boolean);
  },
  get apps() {
    return required('STACK_APPS').split(',').filter(Boolean);
  },
};
