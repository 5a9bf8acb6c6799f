import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import {
  generateRsaKeyPair,
  MIN_RSA_BITS,
  PRIVATE_KEY_FILE,
  PUBLIC_KEY_FILE,
  writeKeyPair,
} from '../../auth/rsa-keys';
import { CliError } from '../cli-error';

/**
 * `keygen [--out dir] [--force] [--bits n]`: the login service's key pair, in the formats of
 * `openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048` and `openssl pkey -pubout`.
 */
export function registerKeygenCommand(program: Command): void {
  program
    .command('keygen')
    .description(
      'write private.pem (PKCS#8, mode 600) and public.pem (SPKI) for JWT_SIGN_KEY / JWT_VERIFY_KEY',
    )
    .option('--out <dir>', 'directory to write into', '.')
    .option('--force', 'replace existing key files', false)
    .option('--bits <n>', `RSA modulus length (at least ${MIN_RSA_BITS})`, parseBits, MIN_RSA_BITS)
    .action(async (options: { out: string; force: boolean; bits: number }) => {
      const dir = resolve(options.out);
      const existing = [PRIVATE_KEY_FILE, PUBLIC_KEY_FILE].filter((file) => existsSync(join(dir, file)));
      if (existing.length > 0 && !options.force) {
        throw new CliError(`${existing.join(' and ')} already exist in ${dir}; use --force to replace them`);
      }
      await writeKeyPair(dir, await generateRsaKeyPair(options.bits), options.force);
      console.log(`wrote ${join(dir, PRIVATE_KEY_FILE)} (keep it secret) and ${join(dir, PUBLIC_KEY_FILE)}`);
    });
}

function parseBits(value: string): number {
  const bits = Number(value);
  if (!Number.isInteger(bits) || bits < MIN_RSA_BITS || bits > 8192) {
    throw new InvalidArgumentError(`must be a whole number from ${MIN_RSA_BITS} to 8192`);
  }
  return bits;
}
