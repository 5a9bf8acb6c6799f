"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.parseAuthSettings = parseAuthSettings;
const node_path_1 = require("node:path");
const settings_error_1 = require("./settings-error");
const DAY = 86400;
const MAX_CACHED_TOKENS = 100_000;
function parseAuthSettings(env, debug, databaseType = 'sqlite') {
    const accessTtlSeconds = env.seconds('JWT_ACCESS_TTL', 300, { min: 10, max: DAY });
    const refreshTtlSeconds = env.seconds('JWT_REFRESH_TTL', DAY, { min: 60, max: 90 * DAY });
    if (refreshTtlSeconds < accessTtlSeconds) {
        throw new settings_error_1.SettingsError('JWT_REFRESH_TTL', 'must not be shorter than JWT_ACCESS_TTL');
    }
    const leewaySeconds = env.seconds('JWT_LEEWAY', 30, { min: 0, max: 300 });
    const verifiedTokenCacheSize = env.integer('JWT_CACHE_SIZE', 10_000, { min: 0, max: MAX_CACHED_TOKENS });
    const jwksRefetchIntervalSeconds = env.seconds('JWKS_REFETCH_INTERVAL', 30, { min: 1, max: 3600 });
    const devKeysDir = parseDevKeysDir(env, debug);
    const loginRateLimit = Object.freeze({
        perClient: env.integer('LOGIN_RATE_LIMIT_IP', 30, { min: 1, max: 100_000 }),
        perClientUsername: env.integer('LOGIN_RATE_LIMIT_IP_USERNAME', 5, { min: 1, max: 100_000 }),
        perUsername: env.integer('LOGIN_RATE_LIMIT_USERNAME', 100, { min: 1, max: 100_000 }),
        windowSeconds: env.seconds('LOGIN_RATE_WINDOW', 60, { min: 1, max: DAY }),
        store: env.oneOf('LOGIN_RATE_LIMIT_STORE', ['database', 'memory'], databaseType === 'postgres' ? 'database' : 'memory'),
    });
    return Object.freeze({
        accessTtlSeconds,
        refreshTtlSeconds,
        leewaySeconds,
        verifiedTokenCacheSize,
        jwksRefetchIntervalSeconds,
        devKeysDir,
        loginRateLimit,
    });
}
function parseDevKeysDir(env, debug) {
    const value = env.string('JWT_DEV_KEYS_DIR');
    if (value !== undefined && !debug) {
        throw new settings_error_1.SettingsError('JWT_DEV_KEYS_DIR', 'is only used when DEBUG is on; configure JWT_SIGN_KEY/JWT_VERIFY_KEY instead');
    }
    return (0, node_path_1.resolve)(value ?? '.dev-keys');
}
