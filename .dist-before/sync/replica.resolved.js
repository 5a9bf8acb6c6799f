"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.ResolvedReplica = exports.InvalidReplicaMessageError = void 0;
const cqrs_message_1 = require("./cqrs-message");
class InvalidReplicaMessageError extends Error {
    constructor(cqrsId, detail) {
        super(`${cqrsId}: ${detail}`);
        this.name = 'InvalidReplicaMessageError';
    }
}
exports.InvalidReplicaMessageError = InvalidReplicaMessageError;
const DATE_TYPES = new Set([
    Date,
    'datetime',
    'timestamp',
    'timestamp without time zone',
    'timestamptz',
    'date',
]);
const TEXT_TYPES = new Set([String, 'varchar', 'character varying', 'text', 'uuid', 'char']);
const SYNC_PROPERTIES = new Set(['cqrsRevision', 'cqrsUpdated']);
class ResolvedReplica {
    definition;
    cqrsId;
    entity;
    metadata;
    pkProperty;
    pkField;
    pkColumn;
    fields;
    constructor(definition, dataSource) {
        this.definition = definition;
        this.cqrsId = definition.cqrsId;
        this.entity = definition.entity;
        this.metadata = dataSource.getMetadata(definition.entity);
        if (this.metadata.primaryColumns.length !== 1)
            throw new Error(`sync replica ${definition.cqrsId}: the entity needs a single-column primary key`);
        this.pkColumn = this.metadata.primaryColumns[0];
        this.pkProperty = this.pkColumn.propertyName;
        const mapping = (definition.mapping ?? null);
        const pkSource = mapping?.[this.pkProperty];
        this.pkField = definition.pkField ?? (typeof pkSource === 'string' ? pkSource : 'id');
        const plans = [];
        for (const column of this.metadata.columns) {
            if (column === this.pkColumn || SYNC_PROPERTIES.has(column.propertyName))
                continue;
            const source = mapping ? mapping[column.propertyName] : column.databaseName;
            if (source === undefined)
                continue;
            plans.push({ column, source, isOptional: column.isNullable || column.default !== undefined });
        }
        if (mapping)
            for (const property of Object.keys(mapping))
                if (property !== this.pkProperty && !plans.some((plan) => plan.column.propertyName === property))
                    throw new Error(`sync replica ${definition.cqrsId}: ${property} is not a column of the entity`);
        this.fields = plans;
    }
    pkFrom(data, field = this.pkField) {
        const value = data[field];
        if (typeof value !== 'string' && typeof value !== 'number')
            throw new InvalidReplicaMessageError(this.cqrsId, `instance_data.${field} (the pk) must be a string or a number`);
        return TEXT_TYPES.has(this.pkColumn.type) ? String(value) : value;
    }
    valuesFrom(data) {
        const values = {};
        for (const plan of this.fields) {
            let value;
            if (typeof plan.source === 'function')
                value = plan.source(data);
            else if (plan.source in data)
                value = data[plan.source];
            else if (plan.isOptional)
                continue;
            else
                throw new InvalidReplicaMessageError(this.cqrsId, `instance_data lacks ${plan.source}, required by ${plan.column.propertyName}`);
            values[plan.column.propertyName] = this.convert(plan, value);
        }
        return values;
    }
    convert(plan, value) {
        if (value === null || value === undefined) {
            if (!plan.column.isNullable)
                throw new InvalidReplicaMessageError(this.cqrsId, `${plan.column.propertyName} cannot be null`);
            return null;
        }
        if (DATE_TYPES.has(plan.column.type) && typeof value === 'string') {
            const date = (0, cqrs_message_1.parseTimestamp)(value);
            if (!date)
                throw new InvalidReplicaMessageError(this.cqrsId, `${plan.column.propertyName}: not a timestamp: ${value}`);
            return date;
        }
        if (TEXT_TYPES.has(plan.column.type) && typeof value === 'number')
            return String(value);
        return value;
    }
}
exports.ResolvedReplica = ResolvedReplica;
