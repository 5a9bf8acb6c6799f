"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.TOKEN_ERRORS = void 0;
exports.isTokenClaims = isTokenClaims;
exports.TOKEN_ERRORS = {
    missing: 'token missing',
    malformed: 'token malformed',
    expired: 'token expired',
    notYetValid: 'token not yet valid',
    algorithm: 'algorithm not allowed',
    unknownKey: 'unknown key id',
    signature: 'invalid signature',
    wrongType: 'wrong token type',
    revoked: 'token revoked',
};
function isTokenClaims(payload) {
    return (typeof payload.sub === 'string' &&
        typeof payload.jti === 'string' &&
        typeof payload.exp === 'number' &&
        typeof payload.iat === 'number' &&
        (payload.token_type === 'access' || payload.token_type === 'refresh') &&
        typeof payload.user_id === 'string' &&
        typeof payload.username === 'string' &&
        Array.isArray(payload.roles) &&
        payload.roles.every((role) => typeof role === 'string'));
}
