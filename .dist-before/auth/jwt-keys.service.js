"use strict";
var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var __metadata = (this && this.__metadata) || function (k, v) {
    if (typeof Reflect === "object" && typeof Reflect.metadata === "function") return Reflect.metadata(k, v);
};
var __param = (this && this.__param) || function (paramIndex, decorator) {
    return function (target, key) { decorator(target, key, paramIndex); }
};
var JwtKeysService_1;
Object.defineProperty(exports, "__esModule", { value: true });
exports.JwtKeysService = exports.JWKS_FETCH = void 0;
const node_crypto_1 = require("node:crypto");
const common_1 = require("@nestjs/common");
const jose_1 = require("jose");
const settings_error_1 = require("../settings/settings-error");
const settings_1 = require("../settings/settings");
const rsa_keys_1 = require("./rsa-keys");
exports.JWKS_FETCH = Symbol('JWKS_FETCH');
const JWKS_FETCH_TIMEOUT_MS = 5000;
const JWKS_MAX_AGE_MS = 10 * 60 * 1000;
const SIGNING_ALGORITHMS = new Set([undefined, 'RS256', 'RS512']);
let JwtKeysService = JwtKeysService_1 = class JwtKeysService {
    settings;
    fetchJson;
    logger = new common_1.Logger(JwtKeysService_1.name);
    signing = null;
    localKeys = new Map();
    remoteKeys = new Map();
    jwksUrl = null;
    lastFetchAt = Number.NEGATIVE_INFINITY;
    lastSuccessAt = Number.NEGATIVE_INFINITY;
    inflight = null;
    removedListeners = [];
    constructor(settings, fetchJson = fetchJsonWithTimeout) {
        this.settings = settings;
        this.fetchJson = fetchJson;
    }
    async onModuleInit() {
        const { jwtSignKey, jwtVerifyKey, debug } = this.settings;
        if ((jwtSignKey === null || jwtVerifyKey === null) && !debug) {
            throw new settings_error_1.SettingsError(jwtSignKey === null ? 'JWT_SIGN_KEY' : 'JWT_VERIFY_KEY', 'is required when DEBUG is off');
        }
        const needsDevKeys = jwtSignKey === null || (jwtVerifyKey === null && jwtSignKey === false);
        const dev = needsDevKeys ? await (0, rsa_keys_1.loadOrCreateDevKeyPair)(this.settings.auth.devKeysDir) : null;
        if (dev)
            this.logger.warn(`using development keys from ${this.settings.auth.devKeysDir} (DEBUG only)`);
        const signPem = jwtSignKey === null ? dev.privatePem : jwtSignKey;
        if (signPem !== false) {
            const privateKey = keyOrSettingsError('JWT_SIGN_KEY', () => (0, rsa_keys_1.privateKeyFromPem)(signPem));
            const kid = await this.addLocalKey((0, node_crypto_1.createPublicKey)(privateKey));
            this.signing = { kid, privateKey };
        }
        const verifyValue = jwtVerifyKey ?? dev?.publicPem ?? '';
        if (/^https?:\/\//i.test(verifyValue)) {
            this.jwksUrl = verifyValue;
            await this.refreshJwks(true);
        }
        else {
            for (const pem of (0, rsa_keys_1.splitPemBlocks)(verifyValue)) {
                await this.addLocalKey(keyOrSettingsError('JWT_VERIFY_KEY', () => (0, rsa_keys_1.publicKeyFromPem)(pem)));
            }
        }
    }
    get canSign() {
        return this.signing !== null;
    }
    get signingKey() {
        if (!this.signing)
            throw new Error('this service is verify-only (JWT_SIGN_KEY=0)');
        return this.signing;
    }
    async keyFor(kid) {
        if (kid === undefined) {
            const all = [...this.localKeys.entries()]
                .map(([id, entry]) => ({ kid: id, key: entry.key }))
                .concat([...this.remoteKeys.entries()].map(([id, key]) => ({ kid: id, key })));
            return all.length === 1 ? all[0] : null;
        }
        const known = this.localKeys.get(kid)?.key ?? this.remoteKeys.get(kid);
        if (known) {
            if (this.jwksUrl && Date.now() - this.lastSuccessAt > JWKS_MAX_AGE_MS)
                void this.refreshJwks(false);
            return { kid, key: known };
        }
        if (!this.jwksUrl)
            return null;
        await this.refreshJwks(false);
        const fetched = this.remoteKeys.get(kid);
        return fetched ? { kid, key: fetched } : null;
    }
    onKeysRemoved(listener) {
        this.removedListeners.push(listener);
    }
    publicJwks() {
        return { keys: [...this.localKeys.values()].map((entry) => entry.jwk) };
    }
    async addLocalKey(publicKey) {
        const jwk = await (0, rsa_keys_1.publicJwkWithKid)(publicKey);
        this.localKeys.set(jwk.kid, { key: publicKey, jwk });
        return jwk.kid;
    }
    refreshJwks(force) {
        if (this.inflight)
            return this.inflight;
        const intervalMs = this.settings.auth.jwksRefetchIntervalSeconds * 1000;
        if (!force && Date.now() - this.lastFetchAt < intervalMs)
            return Promise.resolve();
        this.lastFetchAt = Date.now();
        this.inflight = this.fetchJwks().finally(() => {
            this.inflight = null;
        });
        return this.inflight;
    }
    async fetchJwks() {
        const url = this.jwksUrl;
        try {
            const body = await this.fetchJson(url);
            const keys = await parseJwks(body);
            const removed = new Set([...this.remoteKeys.keys()].filter((kid) => !keys.has(kid)));
            this.remoteKeys = keys;
            this.lastSuccessAt = Date.now();
            this.logger.log(`loaded ${keys.size} key(s) from ${url}`);
            if (removed.size > 0) {
                this.logger.warn(`key(s) no longer in the JWKS, their tokens are refused: ${[...removed].join(', ')}`);
                for (const listener of this.removedListeners)
                    listener(removed);
            }
        }
        catch (error) {
            this.logger.warn(`could not load JWKS from ${url}: ${error.message}`);
        }
    }
};
exports.JwtKeysService = JwtKeysService;
exports.JwtKeysService = JwtKeysService = JwtKeysService_1 = __decorate([
    (0, common_1.Injectable)(),
    __param(0, (0, common_1.Inject)(settings_1.SETTINGS)),
    __param(1, (0, common_1.Optional)()),
    __param(1, (0, common_1.Inject)(exports.JWKS_FETCH)),
    __metadata("design:paramtypes", [Object, Function])
], JwtKeysService);
function keyOrSettingsError(variable, read) {
    try {
        return read();
    }
    catch (error) {
        const reason = error.message.startsWith('must')
            ? error.message
            : 'is not a readable PEM key';
        throw new settings_error_1.SettingsError(variable, reason);
    }
}
async function parseJwks(body) {
    const list = body?.keys;
    if (!Array.isArray(list))
        throw new Error('response is not a JWK set');
    const keys = new Map();
    for (const entry of list) {
        if (entry.kty !== 'RSA' || (entry.use !== undefined && entry.use !== 'sig'))
            continue;
        if (!SIGNING_ALGORITHMS.has(entry.alg))
            continue;
        try {
            const key = (0, node_crypto_1.createPublicKey)({ key: { kty: 'RSA', n: entry.n, e: entry.e }, format: 'jwk' });
            (0, rsa_keys_1.assertStrongRsaKey)(key);
            keys.set(entry.kid ?? (await (0, jose_1.calculateJwkThumbprint)({ kty: 'RSA', n: entry.n, e: entry.e })), key);
        }
        catch {
            continue;
        }
    }
    return keys;
}
async function fetchJsonWithTimeout(url) {
    const response = await fetch(url, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(JWKS_FETCH_TIMEOUT_MS),
        redirect: 'error',
    });
    if (!response.ok)
        throw new Error(`HTTP ${response.status}`);
    return response.json();
}
