"use strict";
var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var __metadata = (this && this.__metadata) || function (k, v) {
    if (typeof Reflect === "object" && typeof Reflect.metadata === "function") return Reflect.metadata(k, v);
};
var __param = (this && this.__param) || function (paramIndex, decorator) {
    return function (target, key) { decorator(target, key, paramIndex); }
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.UsersService = exports.ROLE_PATTERN = exports.USERNAME_PATTERN = exports.PASSWORD_HASHER = void 0;
const node_crypto_1 = require("node:crypto");
const common_1 = require("@nestjs/common");
const typeorm_1 = require("@nestjs/typeorm");
const typeorm_2 = require("typeorm");
const password_1 = require("./password");
const refused_users_1 = require("./refused-users");
const user_entity_1 = require("./user.entity");
const user_writer_1 = require("./user-writer");
exports.PASSWORD_HASHER = Symbol('PASSWORD_HASHER');
exports.USERNAME_PATTERN = /^[\w.@+-]{1,150}$/;
exports.ROLE_PATTERN = /^[a-z][a-z0-9_:.-]{0,63}$/;
let UsersService = class UsersService {
    users;
    hasher;
    refused;
    writer;
    constructor(users, hasher, writer, refused) {
        this.users = users;
        this.hasher = hasher;
        this.refused = refused;
        this.writer = writer ?? new user_writer_1.TableUserWriter(users);
    }
    async warmUp() {
        await this.hasher.verifyAgainstDummy('warm-up');
    }
    async create(input) {
        if (!exports.USERNAME_PATTERN.test(input.username)) {
            throw new Error('username must be 1-150 letters, digits or @.+-_');
        }
        const roles = [...new Set(input.roles ?? [])];
        const badRole = roles.find((role) => !exports.ROLE_PATTERN.test(role));
        if (badRole !== undefined)
            throw new Error(`role "${badRole}" must be lower-case letters, digits or _:.-`);
        if (input.password.length < 8)
            throw new Error('password must be at least 8 characters');
        if (await this.users.existsBy({ username: input.username })) {
            throw new common_1.ConflictException(`user ${input.username} already exists`);
        }
        const user = this.users.create({
            id: (0, node_crypto_1.randomUUID)(),
            username: input.username,
            passwordHash: await this.hasher.hash(input.password),
            isActive: input.isActive ?? true,
            roles,
        });
        try {
            return await this.writer.create(user);
        }
        catch (error) {
            if (error instanceof typeorm_2.QueryFailedError && /unique|duplicate/i.test(error.message)) {
                throw new common_1.ConflictException(`user ${input.username} already exists`);
            }
            throw error;
        }
    }
    async authenticate(username, password) {
        const user = exports.USERNAME_PATTERN.test(username) ? await this.users.findOneBy({ username }) : null;
        if (!user)
            return this.hasher.verifyAgainstDummy(password).then(() => null);
        const matches = await this.hasher.verify(password, user.passwordHash);
        if (!matches || !user.isActive)
            return null;
        if (this.hasher.needsRehash(user.passwordHash)) {
            await this.users.update({ id: user.id }, { passwordHash: await this.hasher.hash(password) });
        }
        return user;
    }
    async setActive(id, isActive) {
        const user = await this.writer.update(id, { isActive });
        if (user && !isActive)
            this.refused?.refuse(id);
        if (user && isActive)
            this.refused?.readmit(id);
        return user;
    }
    async remove(id) {
        const removed = await this.writer.delete(id);
        if (removed)
            this.refused?.refuse(id);
        return removed;
    }
    findActive(id) {
        return this.users.findOneBy({ id, isActive: true });
    }
};
exports.UsersService = UsersService;
exports.UsersService = UsersService = __decorate([
    (0, common_1.Injectable)(),
    __param(0, (0, typeorm_1.InjectRepository)(user_entity_1.User)),
    __param(1, (0, common_1.Inject)(exports.PASSWORD_HASHER)),
    __param(2, (0, common_1.Optional)()),
    __param(2, (0, common_1.Inject)(user_writer_1.USER_WRITER)),
    __param(3, (0, common_1.Optional)()),
    __metadata("design:paramtypes", [typeorm_2.Repository,
        password_1.PasswordHasher, Object, refused_users_1.RefusedUsers])
], UsersService);
