"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.TableUserWriter = exports.USER_WRITER = void 0;
exports.USER_WRITER = Symbol('USER_WRITER');
class TableUserWriter {
    users;
    constructor(users) {
        this.users = users;
    }
    create(user) {
        return this.users.save(user);
    }
    async update(id, changes) {
        const result = await this.users.update({ id }, changes);
        return result.affected ? this.users.findOneBy({ id }) : null;
    }
    async delete(id) {
        return Boolean((await this.users.delete({ id })).affected);
    }
}
exports.TableUserWriter = TableUserWriter;
