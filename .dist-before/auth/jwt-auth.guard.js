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
Object.defineProperty(exports, "__esModule", { value: true });
exports.JwtAuthGuard = void 0;
const common_1 = require("@nestjs/common");
const core_1 = require("@nestjs/core");
const current_user_decorator_1 = require("./current-user.decorator");
const public_decorator_1 = require("../platform/public.decorator");
const roles_decorator_1 = require("./roles.decorator");
const token_claims_1 = require("./token-claims");
const refused_users_1 = require("./refused-users");
const token_service_1 = require("./token.service");
let JwtAuthGuard = class JwtAuthGuard {
    reflector;
    tokens;
    refused;
    rules = new WeakMap();
    constructor(reflector, tokens, refused) {
        this.reflector = reflector;
        this.tokens = tokens;
        this.refused = refused;
    }
    canActivate(context) {
        const type = context.getType();
        if (type === 'rpc')
            return true;
        if (type !== 'http')
            throw new common_1.ForbiddenException(`no authentication for ${type} contexts`);
        const rules = this.rulesFor(context);
        if (rules.isPublic)
            return true;
        const request = context.switchToHttp().getRequest();
        const token = bearerToken(request);
        const cached = this.tokens.cachedAccess(token);
        if (cached)
            return this.admit(request, cached, rules.roles);
        return this.tokens.verifyAccess(token).then((user) => this.admit(request, user, rules.roles));
    }
    admit(request, user, roles) {
        if (this.refused.isRefused(user.userId))
            throw new common_1.UnauthorizedException(token_claims_1.TOKEN_ERRORS.revoked);
        return admit(request, user, roles);
    }
    rulesFor(context) {
        const handler = context.getHandler();
        const controller = context.getClass();
        const known = this.rules.get(handler);
        if (known?.controller === controller)
            return known;
        const targets = [handler, controller];
        const rules = {
            controller,
            isPublic: this.reflector.getAllAndOverride(public_decorator_1.IS_PUBLIC_KEY, targets) === true,
            roles: this.reflector.getAllAndOverride(roles_decorator_1.ROLES_KEY, targets),
        };
        this.rules.set(handler, rules);
        return rules;
    }
};
exports.JwtAuthGuard = JwtAuthGuard;
exports.JwtAuthGuard = JwtAuthGuard = __decorate([
    (0, common_1.Injectable)(),
    __metadata("design:paramtypes", [core_1.Reflector,
        token_service_1.TokenService,
        refused_users_1.RefusedUsers])
], JwtAuthGuard);
function admit(request, user, roles) {
    request[current_user_decorator_1.AUTH_USER_PROPERTY] = user;
    if (roles && !roles.some((role) => user.roles.includes(role))) {
        throw new common_1.ForbiddenException(`requires one of the roles: ${roles.join(', ')}`);
    }
    return true;
}
const BEARER = 'bearer ';
function bearerToken(request) {
    const header = request.headers.authorization;
    if (typeof header !== 'string' || header === '')
        throw new common_1.UnauthorizedException(token_claims_1.TOKEN_ERRORS.missing);
    if (header.length <= BEARER.length || header.slice(0, BEARER.length).toLowerCase() !== BEARER) {
        throw new common_1.UnauthorizedException(token_claims_1.TOKEN_ERRORS.malformed);
    }
    const token = header.slice(BEARER.length).trim();
    if (token === '' || token.includes(' '))
        throw new common_1.UnauthorizedException(token_claims_1.TOKEN_ERRORS.malformed);
    return token;
}
