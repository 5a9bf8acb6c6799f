"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.SyncedUserWriter = exports.USER_MASTER = exports.USER_CQRS_ID = void 0;
exports.userReplica = userReplica;
const user_entity_1 = require("../auth/user.entity");
const synced_user_entity_1 = require("./synced-user.entity");
exports.USER_CQRS_ID = 'user';
exports.USER_MASTER = {
    cqrsId: exports.USER_CQRS_ID,
    entity: user_entity_1.User,
    fields: { username: 'username', is_active: 'isActive', roles: 'roles', date_joined: 'createdAt' },
    trackedFields: ['isActive', 'roles'],
};
class SyncedUserWriter {
    master;
    constructor(master) {
        this.master = master;
    }
    create(user) {
        return this.master.create(user);
    }
    update(id, changes) {
        return this.master.update(id, changes);
    }
    delete(id) {
        return this.master.delete(id);
    }
}
exports.SyncedUserWriter = SyncedUserWriter;
function userReplica(refused) {
    return {
        cqrsId: exports.USER_CQRS_ID,
        entity: synced_user_entity_1.SyncedUser,
        mapping: {
            id: 'id',
            username: 'username',
            isActive: 'is_active',
            roles: (data) => (Array.isArray(data.roles) ? data.roles.map(String) : []),
            dateJoined: 'date_joined',
        },
        afterCommit: ({ body, row, pk }) => {
            const id = String(pk);
            if (body.signal_type === 'DELETE' || !row?.isActive)
                refused.refuse(id);
            else
                refused.readmit(id);
        },
    };
}
