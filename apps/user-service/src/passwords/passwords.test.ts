import { describe, expect, it } from 'vitest';
import { Argon2idHasher, OWASP_ARGON2ID } from './argon2id-hasher.js';
import { BcryptHasher } from './bcrypt-hasher.js';
import { Passwords } from './passwords.js';
import { parseScryptHash, ScryptHasher } from './scrypt-hasher.js';

// Cheap parameters keep these tests fast; what is tested is the format handling and the re-hash
// decision, which do not depend on the cost. (Real costs: the benchmark and the integration tests.)
const cheapArgon = { memoryKib: 1024, timeCost: 1, parallelism: 1 };
const argon2id = new Argon2idHasher(cheapArgon);
const bcrypt = new BcryptHasher(4);
const scrypt = new ScryptHasher({ cost: 1024, blockSize: 8, parallelization: 1 });

/** Copied from packages/db/src/seed/demo-password.ts (not exported by @tablestack/db). */
const DEMO_PASSWORD = 'tablestack-demo';
const DEMO_PASSWORD_HASH =
  'scrypt$16384$8$1$PFWLUCp+oWWQfUG8062XoQ==$KIXTtUxABaiLpmGEpP+PaXsFzHbCjS6loaqiXgCiZB2IefJmhUOWgTjryJtBFX8VHyfRfVwvT5Dfp2Rtdnm+Gg==';

const password = 'correct horse battery staple';

describe('hash formats', () => {
  it.each([
    ['argon2id', '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA', 'argon2id'],
    ['argon2i', '$argon2i$v=19$m=4096,t=3,p=1$c2FsdHNhbHQ$aGFzaA', 'argon2id'],
    ['bcrypt 2b', '$2b$12$bSpLBjIM3aKjhO/PpdZbaubR2MRIDHNjU46fYgneoCEA.M848i2dy', 'bcrypt'],
    ['bcrypt 2a', '$2a$10$bSpLBjIM3aKjhO/PpdZbaubR2MRIDHNjU46fYgneoCEA.M848i2dy', 'bcrypt'],
    ['the seed scrypt', DEMO_PASSWORD_HASH, 'scrypt'],
    ['plain text', 'tablestack-demo', undefined],
    ['md5 crypt', '$1$saltsalt$qjXMvbEw8oaL.CzflDugX/', undefined],
    ['empty', '', undefined],
  ])('%s is read by %s', (_name, stored, algorithm) => {
    const passwords = new Passwords(argon2id, [bcrypt, scrypt]);
    expect(passwords.hasherFor(stored)?.algorithm).toBe(algorithm);
  });

  it('reads the scrypt format and refuses costs a hostile row could use to stall logins', () => {
    expect(parseScryptHash(DEMO_PASSWORD_HASH)).toMatchObject({
      cost: 16384,
      blockSize: 8,
      parallelization: 1,
    });
    const salt = 'PFWLUCp+oWWQfUG8062XoQ==';
    const key = Buffer.alloc(64, 1).toString('base64');
    expect(parseScryptHash(`scrypt$1048576$8$1$${salt}$${key}`)).toBeUndefined(); // 1 GiB
    expect(parseScryptHash(`scrypt$16383$8$1$${salt}$${key}`)).toBeUndefined(); // not a power of two
    expect(parseScryptHash(`scrypt$16384$8$99$${salt}$${key}`)).toBeUndefined();
    expect(parseScryptHash(`scrypt$16384$8$1$${salt}$AAAA`)).toBeUndefined(); // 3-byte key
    expect(parseScryptHash('scrypt$16384$8$1$only-four-parts')).toBeUndefined();
  });
});

describe('Passwords with argon2id current', () => {
  const passwords = new Passwords(argon2id, [bcrypt, new ScryptHasher()]);

  it('hashes with argon2id and exactly the configured parameters', async () => {
    const stored = await passwords.hash(password);
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=1024,t=1,p=1\$/);
    expect(await passwords.check(password, stored)).toEqual({ valid: true, rehash: false });
    expect(await passwords.check('wrong password', stored)).toEqual({ valid: false });
  });

  it('uses the OWASP parameters by default', async () => {
    expect(OWASP_ARGON2ID).toEqual({ memoryKib: 19456, timeCost: 2, parallelism: 1 });
    expect(await new Argon2idHasher().hash(password)).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it.each([
    [
      'argon2id with other parameters',
      () => new Argon2idHasher({ ...cheapArgon, timeCost: 2 }).hash(password),
    ],
    ['bcrypt', () => bcrypt.hash(password)],
    ['scrypt', () => scrypt.hash(password)],
  ])('verifies %s and asks for a re-hash', async (_name, make) => {
    const stored = await make();
    expect(await passwords.check(password, stored)).toEqual({ valid: true, rehash: true });
    expect(await passwords.check('wrong password', stored)).toEqual({ valid: false });
  });

  it("verifies the seed's demo hash and asks for a re-hash", async () => {
    expect(await passwords.check(DEMO_PASSWORD, DEMO_PASSWORD_HASH)).toEqual({ valid: true, rehash: true });
    expect(await passwords.check('tablestack-dem0', DEMO_PASSWORD_HASH)).toEqual({ valid: false });
  });

  it('fails (without throwing) on hashes it cannot read', async () => {
    expect(await passwords.check(password, password)).toEqual({ valid: false });
    expect(await passwords.check(password, '$argon2id$garbage')).toEqual({ valid: false });
    expect(await passwords.check(password, '$2b$12$short')).toEqual({ valid: false });
  });

  it('spends a verification on unknown accounts without failing', async () => {
    await expect(passwords.checkNothing(password)).resolves.toBeUndefined();
  });
});

describe('Passwords with bcrypt current', () => {
  const passwords = new Passwords(bcrypt, [argon2id]);

  it('hashes with bcrypt 2b at the configured cost and keeps such hashes', async () => {
    const stored = await passwords.hash(password);
    expect(stored).toMatch(/^\$2b\$04\$/);
    expect(await passwords.check(password, stored)).toEqual({ valid: true, rehash: false });
  });

  it.each([
    ['another cost', () => new BcryptHasher(5).hash(password)],
    ['argon2id', () => argon2id.hash(password)],
  ])('re-hashes %s', async (_name, make) => {
    expect(await passwords.check(password, await make())).toEqual({ valid: true, rehash: true });
  });
});

describe('Passwords.fromEnv', () => {
  const env = {
    BCRYPT_ROUNDS: 10,
    ARGON2_MEMORY_KIB: 19456,
    ARGON2_TIME_COST: 2,
    ARGON2_PARALLELISM: 1,
  };
  it('picks the configured algorithm and accepts the others', () => {
    const argon = Passwords.fromEnv({ ...env, PASSWORD_HASH: 'argon2id' });
    expect(argon.current.algorithm).toBe('argon2id');
    expect(argon.hasherFor('$2b$10$x')?.algorithm).toBe('bcrypt');
    expect(argon.hasherFor(DEMO_PASSWORD_HASH)?.algorithm).toBe('scrypt');
    const bcryptFirst = Passwords.fromEnv({ ...env, PASSWORD_HASH: 'bcrypt' });
    expect(bcryptFirst.current.algorithm).toBe('bcrypt');
    expect(bcryptFirst.needsRehash('$2b$10$bSpLBjIM3aKjhO/PpdZbaubR2MRIDHNjU46fYgneoCEA.M848i2dy')).toBe(
      false,
    );
    expect(bcryptFirst.needsRehash('$2b$12$bSpLBjIM3aKjhO/PpdZbaubR2MRIDHNjU46fYgneoCEA.M848i2dy')).toBe(
      true,
    );
  });
});
