"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.READINESS_CHECKS = void 0;
exports.READINESS_CHECKS = Symbol('READINESS_CHECKS');
