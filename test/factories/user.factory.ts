import { randomBytes } from 'node:crypto';
import { PasswordHasher, ScryptParams } from '../../src/auth/password';
import { NewUser, UsersService } from '../../src/auth/users.service';

/** Cheap scrypt parameters for unit tests; e2e tests use the real defaults. */
export const FAST_SCRYPT: ScryptParams = { N: 2 ** 10, r: 8, p: 1 };

/** Counts KDF runs: the "same time" property is "same work", checked without a clock. */
export class CountingHasher extends PasswordHasher {
  derivations = 0;

  protected override derive(
    password: string,
    salt: Buffer,
    params: ScryptParams,
    keyLength: number,
  ): Promise<Buffer> {
    this.derivations += 1;
    return super.derive(password, salt, params, keyLength);
  }
}

export function buildUser(overrides: Partial<NewUser> = {}): Required<NewUser> {
  return {
    username: `user_${randomBytes(5).toString('hex')}`,
    password: 'correct-horse-battery',
    roles: [],
    isActive: true,
    ...overrides,
  };
}

export async function createUser(users: UsersService, overrides: Partial<NewUser> = {}) {
  const input = buildUser(overrides);
  const user = await users.create(input);
  return { ...input, id: user.id };
}
