"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.SyncRegistry = exports.SyncRegistrationError = void 0;
const master_definition_1 = require("./master.definition");
const master_repository_1 = require("./master-repository");
const sync_constants_1 = require("./sync.constants");
class SyncRegistrationError extends Error {
    constructor(message) {
        super(message);
        this.name = 'SyncRegistrationError';
    }
}
exports.SyncRegistrationError = SyncRegistrationError;
class SyncRegistry {
    dataSource;
    transactions;
    masters = new Map();
    replicas = new Map();
    constructor(dataSource, transactions) {
        this.dataSource = dataSource;
        this.transactions = transactions;
    }
    addMaster(definition) {
        checkCqrsId(definition.cqrsId);
        if (this.masters.has(definition.cqrsId))
            throw new SyncRegistrationError(`cqrs_id "${definition.cqrsId}" already has a master`);
        const repository = new master_repository_1.MasterRepository(new master_definition_1.ResolvedMaster(definition, this.dataSource), this.transactions);
        this.masters.set(definition.cqrsId, repository);
        return repository;
    }
    addReplica(definition) {
        checkCqrsId(definition.cqrsId);
        if (this.replicas.has(definition.cqrsId))
            throw new SyncRegistrationError(`cqrs_id "${definition.cqrsId}" already has a replica`);
        this.replicas.set(definition.cqrsId, definition);
    }
    master(cqrsId) {
        const master = this.masters.get(cqrsId);
        if (!master)
            throw new SyncRegistrationError(`this service is not the master of cqrs_id "${cqrsId}"`);
        return master;
    }
    replica(cqrsId) {
        return this.replicas.get(cqrsId);
    }
    get masterIds() {
        return [...this.masters.keys()];
    }
    get replicaIds() {
        return [...this.replicas.keys()];
    }
}
exports.SyncRegistry = SyncRegistry;
function checkCqrsId(cqrsId) {
    if (!sync_constants_1.CQRS_ID_PATTERN.test(cqrsId))
        throw new SyncRegistrationError(`cqrs_id "${cqrsId}" must be letters, digits, "_" or "-": it is a literal routing-key word`);
}
