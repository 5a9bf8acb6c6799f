"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.MemoryLoginAttemptsStore = exports.LOGIN_ATTEMPTS_STORE = void 0;
const lru_cache_1 = require("lru-cache");
exports.LOGIN_ATTEMPTS_STORE = Symbol('LOGIN_ATTEMPTS_STORE');
const MAX_KEYS_PER_KIND = 100_000;
class MemoryLoginAttemptsStore {
    maxKeysPerKind;
    windows = new Map();
    constructor(maxKeysPerKind = MAX_KEYS_PER_KIND) {
        this.maxKeysPerKind = maxKeysPerKind;
    }
    hit(kind, key, windowMs) {
        const now = Date.now();
        const store = this.storeFor(kind);
        let window = store.get(key);
        if (!window || window.resetAtMs <= now) {
            window = { count: 0, resetAtMs: now + windowMs };
            store.set(key, window);
        }
        window.count += 1;
        return Promise.resolve({ count: window.count, resetAtMs: window.resetAtMs });
    }
    size(kind) {
        return this.windows.get(kind)?.size ?? 0;
    }
    storeFor(kind) {
        let store = this.windows.get(kind);
        if (!store) {
            store = new lru_cache_1.LRUCache({ max: this.maxKeysPerKind });
            this.windows.set(kind, store);
        }
        return store;
    }
}
exports.MemoryLoginAttemptsStore = MemoryLoginAttemptsStore;
