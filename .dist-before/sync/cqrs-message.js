"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.CqrsDecodeError = exports.BODY_KEYS = exports.SIGNAL_TYPES = void 0;
exports.decodeCqrsMessage = decodeCqrsMessage;
exports.encodeCqrsBody = encodeCqrsBody;
exports.formatPythonDatetime = formatPythonDatetime;
exports.formatExpires = formatExpires;
exports.parseTimestamp = parseTimestamp;
exports.toWireValue = toWireValue;
exports.toInstancePk = toInstancePk;
exports.SIGNAL_TYPES = ['SAVE', 'DELETE', 'SYNC'];
exports.BODY_KEYS = [
    'signal_type',
    'cqrs_id',
    'instance_data',
    'previous_data',
    'instance_pk',
    'correlation_id',
    'retries',
    'expires',
    'meta',
];
const REQUIRED_KEYS = ['signal_type', 'cqrs_id', 'instance_data', 'instance_pk'];
class CqrsDecodeError extends Error {
    reason;
    cqrsId;
    constructor(reason, detail, cqrsId = null) {
        super(detail);
        this.reason = reason;
        this.cqrsId = cqrsId;
        this.name = 'CqrsDecodeError';
    }
}
exports.CqrsDecodeError = CqrsDecodeError;
function decodeCqrsMessage(content, ttlSeconds, now = new Date()) {
    let parsed;
    try {
        parsed = JSON.parse(content.toString('utf8'));
    }
    catch (error) {
        throw new CqrsDecodeError('unparsable-body', `body is not JSON: ${error.message}`);
    }
    if (!isObject(parsed))
        throw new CqrsDecodeError('invalid-body', 'body is not a JSON object');
    const cqrsId = typeof parsed.cqrs_id === 'string' && parsed.cqrs_id !== '' ? parsed.cqrs_id : null;
    const invalid = (detail) => new CqrsDecodeError('invalid-body', detail, cqrsId);
    const missing = REQUIRED_KEYS.filter((key) => !(key in parsed));
    if (missing.length > 0)
        throw invalid(`required key(s) missing: ${missing.join(', ')}`);
    const signalType = parsed.signal_type;
    if (typeof signalType !== 'string' || !exports.SIGNAL_TYPES.includes(signalType))
        throw invalid(`signal_type must be SAVE, DELETE or SYNC, got ${JSON.stringify(signalType)}`);
    if (cqrsId === null)
        throw invalid('cqrs_id must be a non-empty string');
    if (!isObject(parsed.instance_data))
        throw invalid('instance_data must be an object');
    const pk = parsed.instance_pk;
    if (pk !== null && typeof pk !== 'string' && typeof pk !== 'number')
        throw invalid('instance_pk must be a number, a string or null');
    const previous = parsed.previous_data ?? null;
    if (previous !== null && !isObject(previous))
        throw invalid('previous_data must be an object or null');
    const retries = parsed.retries ?? 0;
    if (typeof retries !== 'number' || !Number.isInteger(retries) || retries < 0)
        throw invalid('retries must be an integer >= 0');
    let expires;
    let expiresAt;
    if (!('expires' in parsed)) {
        expiresAt = ttlSeconds === null ? null : new Date(now.getTime() + ttlSeconds * 1000);
        expires = expiresAt === null ? null : formatExpires(expiresAt);
    }
    else if (parsed.expires === null) {
        expires = null;
        expiresAt = null;
    }
    else {
        if (typeof parsed.expires !== 'string')
            throw invalid('expires must be a string or null');
        expiresAt = parseTimestamp(parsed.expires);
        if (expiresAt === null)
            throw invalid(`expires is not an ISO-8601 timestamp: ${parsed.expires}`);
        expires = parsed.expires;
    }
    return {
        body: {
            signal_type: signalType,
            cqrs_id: cqrsId,
            instance_data: parsed.instance_data,
            previous_data: previous,
            instance_pk: pk,
            correlation_id: parsed.correlation_id ?? null,
            retries,
            expires,
            meta: 'meta' in parsed ? parsed.meta : null,
        },
        expiresAt,
    };
}
function encodeCqrsBody(body) {
    const ordered = {
        signal_type: body.signal_type,
        cqrs_id: body.cqrs_id,
        instance_data: body.instance_data,
        previous_data: body.previous_data,
        instance_pk: body.instance_pk,
        correlation_id: body.correlation_id ?? null,
        retries: body.retries,
        expires: body.expires,
        meta: body.meta ?? null,
    };
    return Buffer.from(ujsonEscape(JSON.stringify(ordered)), 'ascii');
}
function ujsonEscape(json) {
    return json.replace(/[/\u0080-\uffff]/g, (char) => char === '/' ? '\\/' : `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
function formatPythonDatetime(date) {
    const iso = date.toISOString();
    const ms = date.getUTCMilliseconds();
    const fraction = ms === 0 ? '' : `.${String(ms * 1000).padStart(6, '0')}`;
    return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${fraction}+00:00`;
}
function formatExpires(date) {
    return `${date.toISOString().slice(0, 19)}+00:00`;
}
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;
function parseTimestamp(text) {
    const match = TIMESTAMP.exec(text.trim());
    if (!match)
        return null;
    const [, year, month, day, hour, minute, second = '0', fraction = '', zone] = match;
    const ms = Number(fraction.slice(0, 3).padEnd(3, '0'));
    const local = new Date(Date.UTC(+year, +month - 1, +day, +hour, +minute, +second, ms));
    if (local.getUTCFullYear() !== +year ||
        local.getUTCMonth() !== +month - 1 ||
        local.getUTCDate() !== +day ||
        local.getUTCHours() !== +hour ||
        local.getUTCMinutes() !== +minute ||
        local.getUTCSeconds() !== +second)
        return null;
    if (!zone || zone.toUpperCase() === 'Z')
        return local;
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offsetMinutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0');
    return new Date(local.getTime() - sign * offsetMinutes * 60_000);
}
function toWireValue(value) {
    if (value instanceof Date)
        return formatPythonDatetime(value);
    if (typeof value === 'bigint')
        return Number(value);
    return value === undefined ? null : value;
}
function toInstancePk(value) {
    if (typeof value === 'number' || typeof value === 'string')
        return value;
    if (typeof value === 'bigint')
        return Number(value);
    if (value instanceof Date)
        return formatPythonDatetime(value);
    return String(value);
}
function isObject(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
