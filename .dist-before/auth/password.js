"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.PasswordHasher = exports.DEFAULT_SCRYPT_PARAMS = void 0;
const node_crypto_1 = require("node:crypto");
exports.DEFAULT_SCRYPT_PARAMS = { N: 2 ** 15, r: 8, p: 3 };
const PREFIX = 'scrypt';
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
function deriveKey(password, salt, params, keyLength) {
    const options = { ...params, maxmem: 256 * params.N * params.r };
    return new Promise((resolvePromise, reject) => {
        (0, node_crypto_1.scrypt)(password.normalize('NFKC'), salt, keyLength, options, (error, key) => error ? reject(error) : resolvePromise(key));
    });
}
function decode(encoded) {
    const parts = encoded.split('$');
    if (parts.length !== 6 || parts[0] !== PREFIX)
        return null;
    const [N, r, p] = parts.slice(1, 4).map(Number);
    if (![N, r, p].every((n) => Number.isSafeInteger(n) && n > 0))
        return null;
    const salt = Buffer.from(parts[4], 'base64url');
    const hash = Buffer.from(parts[5], 'base64url');
    if (salt.length < 8 || hash.length < 16)
        return null;
    return { params: { N, r, p }, salt, hash };
}
class PasswordHasher {
    params;
    dummyHash = null;
    constructor(params = exports.DEFAULT_SCRYPT_PARAMS) {
        this.params = params;
    }
    async hash(password) {
        const salt = (0, node_crypto_1.randomBytes)(SALT_LENGTH);
        const key = await this.derive(password, salt, this.params, KEY_LENGTH);
        const { N, r, p } = this.params;
        return [PREFIX, N, r, p, salt.toString('base64url'), key.toString('base64url')].join('$');
    }
    async verify(password, encoded) {
        const decoded = decode(encoded);
        if (!decoded) {
            await this.verify(password, await this.getDummyHash());
            return false;
        }
        const key = await this.derive(password, decoded.salt, decoded.params, decoded.hash.length);
        return (0, node_crypto_1.timingSafeEqual)(key, decoded.hash);
    }
    async verifyAgainstDummy(password) {
        await this.verify(password, await this.getDummyHash());
        return false;
    }
    needsRehash(encoded) {
        const decoded = decode(encoded);
        if (!decoded)
            return true;
        const { N, r, p } = decoded.params;
        return N < this.params.N || r < this.params.r || p < this.params.p;
    }
    derive(password, salt, params, keyLength) {
        return deriveKey(password, salt, params, keyLength);
    }
    getDummyHash() {
        this.dummyHash ??= this.hash((0, node_crypto_1.randomBytes)(24).toString('base64url'));
        return this.dummyHash;
    }
}
exports.PasswordHasher = PasswordHasher;
