"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.SyncFilterError = void 0;
exports.parseSyncFilter = parseSyncFilter;
const typeorm_1 = require("typeorm");
const cqrs_message_1 = require("./cqrs-message");
class SyncFilterError extends Error {
    constructor(message) {
        super(message);
        this.name = 'SyncFilterError';
    }
}
exports.SyncFilterError = SyncFilterError;
const LOOKUPS = new Set(['exact', 'in', 'gt', 'gte', 'lt', 'lte']);
const NUMBER_TYPES = new Set([Number, 'integer', 'int', 'int4', 'int8', 'bigint', 'smallint']);
const DECIMAL_TYPES = new Set(['decimal', 'numeric', 'float', 'double precision', 'real']);
const DATE_TYPES = new Set([Date, 'datetime', 'timestamp', 'timestamptz', 'date']);
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const BOOLEAN_TYPES = new Set([Boolean, 'boolean', 'bool']);
function parseSyncFilter(text, metadata) {
    let parsed;
    try {
        parsed = JSON.parse(text);
    }
    catch {
        throw new SyncFilterError('--filter must be JSON, e.g. {"id__in": [1, 2]}');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        throw new SyncFilterError('--filter must be a JSON object of lookups, e.g. {"id__in": [1, 2]}');
    const operators = new Map();
    for (const [key, value] of Object.entries(parsed)) {
        const { field, lookup } = splitKey(key);
        const column = findColumn(metadata, field);
        const operator = toOperator(key, lookup, kindOf(column), value);
        const list = operators.get(column.propertyName) ?? [];
        list.push(operator);
        operators.set(column.propertyName, list);
    }
    const where = {};
    for (const [property, list] of operators)
        where[property] = list.length === 1 ? list[0] : (0, typeorm_1.And)(...list);
    return where;
}
function splitKey(key) {
    const at = key.lastIndexOf('__');
    if (at > 0) {
        const suffix = key.slice(at + 2);
        if (LOOKUPS.has(suffix))
            return { field: key.slice(0, at), lookup: suffix };
        throw new SyncFilterError(`--filter key "${key}": lookup "${suffix}" is not supported (use exact, in, gt, gte, lt or lte)`);
    }
    return { field: key, lookup: 'exact' };
}
function findColumn(metadata, field) {
    if (field === 'pk')
        return metadata.primaryColumns[0];
    const column = metadata.columns.find((candidate) => candidate.databaseName === field) ??
        metadata.findColumnWithPropertyName(field);
    if (column)
        return column;
    const names = metadata.columns.map((candidate) => candidate.databaseName).join(', ');
    throw new SyncFilterError(`--filter: unknown field "${field}" (fields: pk, ${names})`);
}
function kindOf(column) {
    if (NUMBER_TYPES.has(column.type) || DECIMAL_TYPES.has(column.type))
        return 'number';
    if (DATE_TYPES.has(column.type))
        return 'date';
    if (BOOLEAN_TYPES.has(column.type))
        return 'boolean';
    return 'text';
}
function toOperator(key, lookup, kind, value) {
    if (lookup === 'in') {
        if (!Array.isArray(value))
            throw new SyncFilterError(`--filter key "${key}" needs a JSON array`);
        return (0, typeorm_1.In)(value.map((item) => toValue(key, kind, item)));
    }
    if (lookup === 'exact')
        return value === null ? (0, typeorm_1.IsNull)() : (0, typeorm_1.Equal)(toValue(key, kind, value));
    if (kind === 'boolean')
        throw new SyncFilterError(`--filter key "${key}": a boolean field has no ${lookup}`);
    const operand = toValue(key, kind, value);
    if (lookup === 'gt')
        return (0, typeorm_1.MoreThan)(operand);
    if (lookup === 'gte')
        return (0, typeorm_1.MoreThanOrEqual)(operand);
    if (lookup === 'lt')
        return (0, typeorm_1.LessThan)(operand);
    return (0, typeorm_1.LessThanOrEqual)(operand);
}
function toValue(key, kind, value) {
    const wrong = (what) => new SyncFilterError(`--filter key "${key}" needs ${what}, got ${JSON.stringify(value)}`);
    switch (kind) {
        case 'number':
            if (typeof value === 'number' && Number.isFinite(value))
                return value;
            if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value))
                return Number(value);
            throw wrong('a number');
        case 'boolean':
            if (typeof value === 'boolean')
                return value;
            throw wrong('true or false');
        case 'date': {
            const text = typeof value === 'string' && DATE_ONLY.test(value) ? `${value} 00:00:00` : value;
            const date = typeof text === 'string' ? (0, cqrs_message_1.parseTimestamp)(text) : null;
            if (date)
                return date;
            throw wrong('a timestamp such as "2026-11-25 20:00:00+00:00"');
        }
        default:
            if (typeof value === 'string')
                return value;
            if (typeof value === 'number')
                return String(value);
            throw wrong('a string');
    }
}
