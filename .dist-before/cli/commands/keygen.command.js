"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.registerKeygenCommand = registerKeygenCommand;
const node_fs_1 = require("node:fs");
const node_path_1 = require("node:path");
const commander_1 = require("commander");
const rsa_keys_1 = require("../../auth/rsa-keys");
const cli_error_1 = require("../cli-error");
function registerKeygenCommand(program) {
    program
        .command('keygen')
        .description('write private.pem (PKCS#8, mode 600) and public.pem (SPKI) for JWT_SIGN_KEY / JWT_VERIFY_KEY')
        .option('--out <dir>', 'directory to write into', '.')
        .option('--force', 'replace existing key files', false)
        .option('--bits <n>', `RSA modulus length (at least ${rsa_keys_1.MIN_RSA_BITS})`, parseBits, rsa_keys_1.MIN_RSA_BITS)
        .action(async (options) => {
        const dir = (0, node_path_1.resolve)(options.out);
        const existing = [rsa_keys_1.PRIVATE_KEY_FILE, rsa_keys_1.PUBLIC_KEY_FILE].filter((file) => (0, node_fs_1.existsSync)((0, node_path_1.join)(dir, file)));
        if (existing.length > 0 && !options.force) {
            throw new cli_error_1.CliError(`${existing.join(' and ')} already exist in ${dir}; use --force to replace them`);
        }
        await (0, rsa_keys_1.writeKeyPair)(dir, await (0, rsa_keys_1.generateRsaKeyPair)(options.bits), options.force);
        console.log(`wrote ${(0, node_path_1.join)(dir, rsa_keys_1.PRIVATE_KEY_FILE)} (keep it secret) and ${(0, node_path_1.join)(dir, rsa_keys_1.PUBLIC_KEY_FILE)}`);
    });
}
function parseBits(value) {
    const bits = Number(value);
    if (!Number.isInteger(bits) || bits < rsa_keys_1.MIN_RSA_BITS || bits > 8192) {
        throw new commander_1.InvalidArgumentError(`must be a whole number from ${rsa_keys_1.MIN_RSA_BITS} to 8192`);
    }
    return bits;
}
