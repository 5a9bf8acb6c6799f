"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.CurrentUser = exports.AUTH_USER_PROPERTY = void 0;
const common_1 = require("@nestjs/common");
exports.AUTH_USER_PROPERTY = 'authUser';
exports.CurrentUser = (0, common_1.createParamDecorator)((_data, context) => context.switchToHttp().getRequest()[exports.AUTH_USER_PROPERTY]);
