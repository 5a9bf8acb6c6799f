import { CountingHasher } from '../../test/factories/user.factory';
import { PasswordHasher, ScryptParams } from './password';

const FAST: ScryptParams = { N: 2 ** 10, r: 8, p: 1 };

describe(PasswordHasher.name, () => {
  it('writes a self-describing scrypt hash and verifies it', async () => {
    const hasher = new PasswordHasher(FAST);
    const encoded = await hasher.hash('correct horse');
    expect(encoded).toMatch(/^scrypt\$1024\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    await expect(hasher.verify('correct horse', encoded)).resolves.toBe(true);
    await expect(hasher.verify('correct horsE', encoded)).resolves.toBe(false);
  });

  it('salts every hash', async () => {
    const hasher = new PasswordHasher(FAST);
    expect(await hasher.hash('same')).not.toBe(await hasher.hash('same'));
  });

  it('uses the default parameters of at least 32 MiB', async () => {
    const encoded = await new PasswordHasher().hash('pw');
    const [, N, r] = encoded.split('$').map(Number);
    expect(128 * N * r).toBeGreaterThanOrEqual(32 * 1024 * 1024);
  });

  it('verifies a hash made with other parameters and flags it for rehashing', async () => {
    const old = await new PasswordHasher({ N: 2 ** 9, r: 8, p: 1 }).hash('pw');
    const current = new PasswordHasher(FAST);
    await expect(current.verify('pw', old)).resolves.toBe(true);
    expect(current.needsRehash(old)).toBe(true);
    expect(current.needsRehash(await current.hash('pw'))).toBe(false);
  });

  it('treats a malformed hash as a mismatch, after the same work', async () => {
    const hasher = new CountingHasher(FAST);
    await hasher.verifyAgainstDummy('warm');
    hasher.derivations = 0;
    await expect(hasher.verify('pw', 'scrypt$bogus')).resolves.toBe(false);
    expect(hasher.derivations).toBe(1);
  });

  it('runs exactly one derivation for a right password, a wrong one and a dummy check', async () => {
    const hasher = new CountingHasher(FAST);
    const encoded = await hasher.hash('right');
    await hasher.verifyAgainstDummy('warm');
    for (const check of [
      () => hasher.verify('right', encoded),
      () => hasher.verify('wrong', encoded),
      () => hasher.verifyAgainstDummy('any'),
    ]) {
      hasher.derivations = 0;
      await check();
      expect(hasher.derivations).toBe(1);
    }
  });
});
