"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.SqlParameters = void 0;
exports.sqliteTimestamp = sqliteTimestamp;
exports.readTimestamp = readTimestamp;
class SqlParameters {
    dialect;
    values = [];
    constructor(dialect) {
        this.dialect = dialect;
    }
    add(value) {
        this.values.push(this.dialect === 'sqlite' ? toSqlite(value) : value);
        return this.dialect === 'postgres' ? `$${this.values.length}` : '?';
    }
    list(values) {
        return values.map((value) => this.add(value)).join(', ');
    }
}
exports.SqlParameters = SqlParameters;
function sqliteTimestamp(date) {
    return date.toISOString().replace('T', ' ').slice(0, 23);
}
function readTimestamp(value) {
    if (value instanceof Date)
        return value;
    const text = String(value);
    return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text.replace(' ', 'T')}Z`);
}
function toSqlite(value) {
    if (value instanceof Date)
        return sqliteTimestamp(value);
    if (typeof value === 'boolean')
        return value ? 1 : 0;
    return value;
}
