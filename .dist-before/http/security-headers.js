"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.CONTENT_SECURITY_POLICY = void 0;
exports.registerSecurityHeaders = registerSecurityHeaders;
const helmet_1 = __importDefault(require("@fastify/helmet"));
exports.CONTENT_SECURITY_POLICY = {
    defaultSrc: ["'self'"],
    baseUri: ["'self'"],
    objectSrc: ["'none'"],
    frameAncestors: ["'none'"],
    formAction: ["'self'"],
    scriptSrc: ["'self'"],
    scriptSrcAttr: ["'none'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:'],
    fontSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
};
async function registerSecurityHeaders(app) {
    await app.register(helmet_1.default, {
        contentSecurityPolicy: { useDefaults: false, directives: exports.CONTENT_SECURITY_POLICY },
        frameguard: { action: 'deny' },
    });
}
