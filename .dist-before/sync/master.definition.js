"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.ResolvedMaster = void 0;
const cqrs_message_1 = require("./cqrs-message");
const sync_constants_1 = require("./sync.constants");
class ResolvedMaster {
    definition;
    cqrsId;
    entity;
    metadata;
    pkProperty;
    pkWireName;
    ttlSeconds;
    wireFields;
    tracked;
    constructor(definition, dataSource) {
        this.definition = definition;
        this.cqrsId = definition.cqrsId;
        this.entity = definition.entity;
        this.metadata = dataSource.getMetadata(definition.entity);
        if (this.metadata.primaryColumns.length !== 1)
            throw new Error(`sync master ${definition.cqrsId}: the entity needs a single-column primary key`);
        const pk = this.metadata.primaryColumns[0];
        this.pkProperty = pk.propertyName;
        this.pkWireName = pk.databaseName;
        this.ttlSeconds =
            definition.messageTtlSeconds === undefined ? sync_constants_1.DEFAULT_MESSAGE_TTL_SECONDS : definition.messageTtlSeconds;
        const wireName = (property) => {
            const column = this.metadata.findColumnWithPropertyName(property);
            if (!column)
                throw new Error(`sync master ${definition.cqrsId}: ${property} is not a column`);
            return column.databaseName;
        };
        const syncColumns = new Set(['cqrsRevision', 'cqrsUpdated', this.pkProperty]);
        const { fields } = definition;
        if (fields === undefined)
            this.wireFields = this.metadata.columns
                .filter((column) => !syncColumns.has(column.propertyName))
                .map((column) => [column.databaseName, column.propertyName]);
        else if (Array.isArray(fields))
            this.wireFields = fields.map((property) => [wireName(property), property]);
        else
            this.wireFields = Object.entries(fields);
        this.tracked = (definition.trackedFields ?? []).map((property) => {
            const known = this.wireFields.find(([, p]) => p === property);
            return [known ? known[0] : wireName(property), property];
        });
    }
    pkOf(row) {
        return row[this.pkProperty];
    }
    instancePkOf(row) {
        return (0, cqrs_message_1.toInstancePk)(this.pkOf(row));
    }
    shouldSync(row) {
        return this.definition.shouldSync?.(row) ?? true;
    }
    serialize(row) {
        const revision = { cqrs_revision: row.cqrsRevision, cqrs_updated: (0, cqrs_message_1.formatPythonDatetime)(row.cqrsUpdated) };
        if (this.definition.serialize)
            return { ...this.definition.serialize(row), ...revision };
        const data = { [this.pkWireName]: (0, cqrs_message_1.toWireValue)(this.pkOf(row)), ...revision };
        const values = row;
        for (const [wire, property] of this.wireFields)
            data[wire] = (0, cqrs_message_1.toWireValue)(values[property]);
        return data;
    }
    previousData(before, after) {
        if (this.tracked.length === 0)
            return null;
        const previous = {};
        const old = before;
        const now = after;
        for (const [wire, property] of this.tracked) {
            const newValue = (0, cqrs_message_1.toWireValue)(now[property]);
            if (old === null) {
                if (newValue !== null)
                    previous[wire] = null;
                continue;
            }
            const oldValue = (0, cqrs_message_1.toWireValue)(old[property]);
            if (JSON.stringify(oldValue) !== JSON.stringify(newValue))
                previous[wire] = oldValue;
        }
        return previous;
    }
    meta(row, signal) {
        return this.definition.meta ? this.definition.meta(row, signal) : {};
    }
    correlationId(signal, pk, queue) {
        return this.definition.correlationId?.(signal, this.cqrsId, pk, queue) ?? null;
    }
}
exports.ResolvedMaster = ResolvedMaster;
