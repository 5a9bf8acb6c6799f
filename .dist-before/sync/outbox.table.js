"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.insertOutboxRows = insertOutboxRows;
exports.outboxPartition = outboxPartition;
const sql_values_1 = require("./sql-values");
const sync_constants_1 = require("./sync.constants");
const INSERT_CHUNK = 500;
const COLUMNS = [
    'cqrs_id',
    'instance_pk',
    'signal_type',
    'routing_key',
    'partition',
    'payload',
    'ttl_seconds',
    'created_at',
];
async function insertOutboxRows(manager, messages) {
    const dialect = manager.connection.options.type === 'postgres' ? 'postgres' : 'sqlite';
    const now = new Date();
    for (let start = 0; start < messages.length; start += INSERT_CHUNK) {
        const chunk = messages.slice(start, start + INSERT_CHUNK);
        const parameters = new sql_values_1.SqlParameters(dialect);
        const rows = chunk.map((message) => {
            const values = [
                message.cqrsId,
                String(message.instancePk),
                message.signalType,
                message.routingKey,
                outboxPartition(message.cqrsId, message.instancePk),
                JSON.stringify(toPayload(message)),
                message.ttlSeconds,
                now,
            ];
            return `(${parameters.list(values)})`;
        });
        await manager.query(`INSERT INTO ${sync_constants_1.TABLES.outbox} (${COLUMNS.join(', ')}) VALUES ${rows.join(', ')}`, parameters.values);
    }
}
function toPayload(message) {
    return {
        signal_type: message.signalType,
        cqrs_id: message.cqrsId,
        instance_data: message.instanceData,
        previous_data: message.previousData,
        instance_pk: message.instancePk,
        correlation_id: message.correlationId ?? null,
        meta: message.meta ?? null,
    };
}
function outboxPartition(cqrsId, pk) {
    let hash = 0x811c9dc5;
    const key = `${cqrsId}:${String(pk)}`;
    for (let i = 0; i < key.length; i++) {
        hash ^= key.charCodeAt(i);
        hash = Math.imul(hash, 0x01000193) >>> 0;
    }
    return hash % sync_constants_1.OUTBOX_PARTITIONS;
}
