"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.parseSettings = parseSettings;
const node_crypto_1 = require("node:crypto");
const auth_schema_1 = require("./auth.schema");
const env_reader_1 = require("./env-reader");
const settings_error_1 = require("./settings-error");
const bus_schema_1 = require("./bus.schema");
const sync_schema_1 = require("./sync.schema");
const jobs_schema_1 = require("./jobs.schema");
const MIN_SECRET_KEY_LENGTH = 32;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'];
function parseSettings(raw, defaults) {
    const env = new env_reader_1.EnvReader(raw);
    const warnings = [];
    const debug = env.bool('DEBUG', false);
    const secretKey = parseSecretKey(env, debug, warnings);
    const database = parseDatabase(env);
    const allowedHosts = parseAllowedHosts(env, debug, warnings);
    const amqpUrl = parseAmqpUrl(env, warnings);
    const jwtVerifyKey = parseVerifyKey(env, debug);
    const jwtSignKey = parseSignKey(env, debug);
    const port = env.integer('PORT', 8000, { min: 1, max: 65535 });
    const serviceName = parseServiceName(env, defaults.serviceName);
    const logLevel = env.oneOf('LOG_LEVEL', LOG_LEVELS, debug ? 'debug' : 'info');
    const trustProxy = parseTrustProxy(env, debug, warnings);
    const shutdownTimeoutSeconds = env.seconds('SHUTDOWN_TIMEOUT', 25, { min: 1, max: 600 });
    const migrateOnStart = env.bool('MIGRATE_ON_START', debug);
    return Object.freeze({
        debug,
        secretKey,
        database,
        allowedHosts: Object.freeze(allowedHosts),
        amqpUrl,
        jwtVerifyKey,
        jwtSignKey,
        port,
        serviceName,
        logLevel,
        trustProxy,
        shutdownTimeoutSeconds,
        migrateOnStart,
        auth: (0, auth_schema_1.parseAuthSettings)(env, debug, database.type),
        bus: (0, bus_schema_1.parseBusSettings)(env, serviceName, shutdownTimeoutSeconds),
        sync: (0, sync_schema_1.parseSyncSettings)(env),
        jobs: (0, jobs_schema_1.parseJobsSettings)(env),
        warnings: Object.freeze(warnings),
    });
}
function parseSecretKey(env, debug, warnings) {
    const value = env.string('SECRET_KEY');
    if (value === undefined) {
        if (!debug)
            throw new settings_error_1.SettingsError('SECRET_KEY', 'is required when DEBUG is off');
        warnings.push('SECRET_KEY is not set: using a random key for this run (DEBUG only)');
        return (0, node_crypto_1.randomBytes)(48).toString('base64url');
    }
    if (!debug && value.length < MIN_SECRET_KEY_LENGTH) {
        throw new settings_error_1.SettingsError('SECRET_KEY', `must be at least ${MIN_SECRET_KEY_LENGTH} characters when DEBUG is off`);
    }
    return value;
}
function parseDatabase(env) {
    const value = env.string('DATABASE_URL') ?? 'sqlite:///db.sqlite3';
    const password = env.string('DATABASE_PASSWORD');
    if (value.startsWith('sqlite://')) {
        const path = value.slice('sqlite:///'.length);
        if (!value.startsWith('sqlite:///') || path === '') {
            throw new settings_error_1.SettingsError('DATABASE_URL', 'must look like sqlite:///db.sqlite3 for SQLite');
        }
        return { type: 'sqlite', path };
    }
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(value)?.[1]?.toLowerCase();
    if (scheme !== 'postgres' && scheme !== 'postgresql') {
        throw new settings_error_1.SettingsError('DATABASE_URL', `has unsupported scheme ${scheme ? `"${scheme}"` : '(none)'}: use sqlite:/// or postgres://`);
    }
    let url;
    try {
        url = new URL(value);
    }
    catch {
        throw new settings_error_1.SettingsError('DATABASE_URL', 'is not a valid URL');
    }
    if (url.hostname === '' || url.pathname.length <= 1) {
        throw new settings_error_1.SettingsError('DATABASE_URL', 'must name a host and a database (postgres://user@host:5432/db)');
    }
    if (password !== undefined)
        url.password = encodeURIComponent(password);
    return { type: 'postgres', url: url.toString() };
}
function parseAllowedHosts(env, debug, warnings) {
    const hosts = env.csv('ALLOWED_HOSTS', ['localhost', '127.0.0.1']).map((host) => host.toLowerCase());
    for (const host of hosts) {
        if (host !== '*' && !/^(\.?[a-z0-9-]+)(\.[a-z0-9-]+)*$|^\[?[0-9a-f:.]+\]?$/.test(host)) {
            throw new settings_error_1.SettingsError('ALLOWED_HOSTS', `has an invalid host name "${host}"`);
        }
    }
    if (hosts.includes('*') && !debug) {
        warnings.push('ALLOWED_HOSTS=* accepts any Host header; list the real host names in production');
    }
    return hosts;
}
function parseAmqpUrl(env, warnings) {
    let name = 'AMQP_URL';
    let value = env.string('AMQP_URL');
    if (value === undefined && env.has('AMPQ_URL')) {
        name = 'AMPQ_URL';
        value = env.string('AMPQ_URL');
        warnings.push('AMPQ_URL is a misspelling kept for the Django template: rename it to AMQP_URL');
    }
    if (value === undefined || value === 'None')
        return null;
    if (!/^amqps?:\/\/[^/]/i.test(value)) {
        throw new settings_error_1.SettingsError(name, 'must be an amqp:// or amqps:// URL, or None for the in-process bus');
    }
    try {
        new URL(value);
    }
    catch {
        throw new settings_error_1.SettingsError(name, 'is not a valid URL');
    }
    return value;
}
function normalisePem(value) {
    return `${value.replace(/\\n/g, '\n').trim()}\n`;
}
function parseVerifyKey(env, debug) {
    const value = env.string('JWT_VERIFY_KEY');
    if (value === undefined) {
        if (!debug)
            throw new settings_error_1.SettingsError('JWT_VERIFY_KEY', 'is required when DEBUG is off (a PEM public key or a JWKS URL)');
        return null;
    }
    if (/^https?:\/\//i.test(value)) {
        if (!debug && value.toLowerCase().startsWith('http://') && !isClusterLocal(value)) {
            throw new settings_error_1.SettingsError('JWT_VERIFY_KEY', 'must use https:// for a JWKS URL outside the cluster when DEBUG is off');
        }
        return value;
    }
    const pem = normalisePem(value);
    if (!/^-----BEGIN (RSA )?PUBLIC KEY-----/.test(pem) && !pem.startsWith('-----BEGIN CERTIFICATE-----')) {
        throw new settings_error_1.SettingsError('JWT_VERIFY_KEY', 'must be a PEM public key (-----BEGIN PUBLIC KEY-----) or a JWKS URL');
    }
    return pem;
}
function isClusterLocal(url) {
    const host = new URL(url).hostname;
    return (host === 'localhost' ||
        host === '127.0.0.1' ||
        host.endsWith('.svc') ||
        host.endsWith('.cluster.local') ||
        !host.includes('.'));
}
function parseSignKey(env, debug) {
    const value = env.string('JWT_SIGN_KEY');
    if (value === undefined) {
        if (!debug) {
            throw new settings_error_1.SettingsError('JWT_SIGN_KEY', 'is required when DEBUG is off (a PEM private key, or 0 for a verify-only service)');
        }
        return null;
    }
    if (value === '0')
        return false;
    const pem = normalisePem(value);
    if (!/^-----BEGIN (RSA |ENCRYPTED )?PRIVATE KEY-----/.test(pem)) {
        throw new settings_error_1.SettingsError('JWT_SIGN_KEY', 'must be a PEM private key (-----BEGIN PRIVATE KEY-----) or 0');
    }
    if (pem.startsWith('-----BEGIN ENCRYPTED')) {
        throw new settings_error_1.SettingsError('JWT_SIGN_KEY', 'must not be encrypted with a passphrase');
    }
    return pem;
}
function parseServiceName(env, fallback) {
    const value = env.string('SERVICE_NAME') ?? fallback;
    if (!/^[a-z][a-z0-9_-]{0,62}$/.test(value)) {
        throw new settings_error_1.SettingsError('SERVICE_NAME', 'must be lower-case letters, digits, "-" or "_", starting with a letter (max 63)');
    }
    return value;
}
function parseTrustProxy(env, debug, warnings) {
    const value = env.string('TRUST_PROXY');
    if (value === undefined)
        return false;
    if (/^\d+$/.test(value))
        return env.integer('TRUST_PROXY', 0, { min: 0, max: 100 });
    const lower = value.toLowerCase();
    if (['true', 'false', 'yes', 'no', 'on', 'off'].includes(lower)) {
        const trustAll = env.bool('TRUST_PROXY', false);
        if (trustAll && !debug) {
            warnings.push('TRUST_PROXY=true believes any X-Forwarded-For a client sends (login limits become per forged address): set the number of proxies in front (e.g. 1) or their addresses/CIDRs');
        }
        return trustAll;
    }
    return Object.freeze(env.csv('TRUST_PROXY', []));
}
