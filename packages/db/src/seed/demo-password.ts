/**
 * Every seeded user has this password, so that any seeded account can log in on a dev stack.
 * Public on purpose: seed data only ever goes into local and benchmark databases.
 */
export const DEMO_PASSWORD = 'tablestack-demo';

/**
 * scrypt hash of DEMO_PASSWORD as `scrypt$N$r$p$saltB64$hashB64` (N=16384, r=8, p=1, 16-byte salt,
 * 64-byte key), computed once with node:crypto scryptSync and kept as a constant: hashing per user
 * would cost ~50 ms each, and a fixed salt keeps reruns identical. The user-service's final hash
 * format is not decided yet; demo-password.test.ts proves this is a real hash of DEMO_PASSWORD.
 */
export const DEMO_PASSWORD_HASH =
  'scrypt$16384$8$1$PFWLUCp+oWWQfUG8062XoQ==$KIXTtUxABaiLpmGEpP+PaXsFzHbCjS6loaqiXgCiZB2IefJmhUOWgTjryJtBFX8VHyfRfVwvT5Dfp2Rtdnm+Gg==';
