"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.PUBLIC_KEY_FILE = exports.PRIVATE_KEY_FILE = exports.MIN_RSA_BITS = void 0;
exports.generateRsaKeyPair = generateRsaKeyPair;
exports.writeKeyPair = writeKeyPair;
exports.loadOrCreateDevKeyPair = loadOrCreateDevKeyPair;
exports.splitPemBlocks = splitPemBlocks;
exports.assertStrongRsaKey = assertStrongRsaKey;
exports.privateKeyFromPem = privateKeyFromPem;
exports.publicKeyFromPem = publicKeyFromPem;
exports.publicJwkWithKid = publicJwkWithKid;
const node_crypto_1 = require("node:crypto");
const promises_1 = require("node:fs/promises");
const node_path_1 = require("node:path");
const jose_1 = require("jose");
exports.MIN_RSA_BITS = 2048;
exports.PRIVATE_KEY_FILE = 'private.pem';
exports.PUBLIC_KEY_FILE = 'public.pem';
function generateRsaKeyPair(bits = exports.MIN_RSA_BITS) {
    return new Promise((resolvePromise, reject) => {
        (0, node_crypto_1.generateKeyPair)('rsa', {
            modulusLength: bits,
            publicKeyEncoding: { type: 'spki', format: 'pem' },
            privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
        }, (error, publicPem, privatePem) => (error ? reject(error) : resolvePromise({ privatePem, publicPem })));
    });
}
async function writeKeyPair(dir, pair, overwrite) {
    await (0, promises_1.mkdir)(dir, { recursive: true, mode: 0o700 });
    const flag = overwrite ? 'w' : 'wx';
    await (0, promises_1.writeFile)((0, node_path_1.join)(dir, exports.PRIVATE_KEY_FILE), pair.privatePem, { mode: 0o600, flag });
    await (0, promises_1.chmod)((0, node_path_1.join)(dir, exports.PRIVATE_KEY_FILE), 0o600);
    await (0, promises_1.writeFile)((0, node_path_1.join)(dir, exports.PUBLIC_KEY_FILE), pair.publicPem, { mode: 0o644, flag });
}
async function loadOrCreateDevKeyPair(dir) {
    try {
        return await readKeyPair(dir);
    }
    catch (error) {
        if (error.code !== 'ENOENT')
            throw error;
    }
    try {
        await writeKeyPair(dir, await generateRsaKeyPair(), false);
    }
    catch (error) {
        if (error.code !== 'EEXIST')
            throw error;
    }
    return readKeyPair(dir);
}
async function readKeyPair(dir) {
    const [privatePem, publicPem] = await Promise.all([
        (0, promises_1.readFile)((0, node_path_1.join)(dir, exports.PRIVATE_KEY_FILE), 'utf8'),
        (0, promises_1.readFile)((0, node_path_1.join)(dir, exports.PUBLIC_KEY_FILE), 'utf8'),
    ]);
    return { privatePem, publicPem };
}
function splitPemBlocks(value) {
    return value.match(/-----BEGIN [A-Z ]+-----[\s\S]+?-----END [A-Z ]+-----/g) ?? [];
}
function assertStrongRsaKey(key) {
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (key.asymmetricKeyType !== 'rsa' || bits < exports.MIN_RSA_BITS) {
        throw new Error(`must be an RSA key of at least ${exports.MIN_RSA_BITS} bits`);
    }
}
function privateKeyFromPem(pem) {
    const key = (0, node_crypto_1.createPrivateKey)(pem);
    assertStrongRsaKey(key);
    return key;
}
function publicKeyFromPem(pem) {
    const key = (0, node_crypto_1.createPublicKey)(pem);
    assertStrongRsaKey(key);
    return key;
}
async function publicJwkWithKid(publicKey) {
    const { n, e } = publicKey.export({ format: 'jwk' });
    const jwk = { kty: 'RSA', n, e };
    return { ...jwk, kid: await (0, jose_1.calculateJwkThumbprint)(jwk, 'sha256'), use: 'sig', alg: 'RS256' };
}
