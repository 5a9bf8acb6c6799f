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
exports.ErrorFilter = void 0;
const common_1 = require("@nestjs/common");
const error_body_1 = require("./error-body");
let ErrorFilter = class ErrorFilter {
    debug;
    logger = new common_1.Logger('HTTP');
    constructor(debug) {
        this.debug = debug;
    }
    catch(exception, host) {
        if (host.getType() !== 'http')
            throw exception;
        const http = host.switchToHttp();
        const reply = http.getResponse();
        const request = http.getRequest();
        const body = this.toBody(exception, request);
        void reply.status(body.statusCode).send(body);
    }
    toBody(exception, request) {
        if (exception instanceof common_1.HttpException) {
            return (0, error_body_1.errorBody)(exception.getStatus(), messageOf(exception));
        }
        const framework = exception;
        if (typeof framework?.statusCode === 'number' &&
            framework.statusCode >= 400 &&
            framework.statusCode < 500) {
            return (0, error_body_1.errorBody)(framework.statusCode, framework.message ?? 'Bad request');
        }
        const error = exception instanceof Error ? exception : new Error(String(exception));
        this.logger.error({ err: error, reqId: request?.id, url: request?.url }, 'unhandled error');
        const body = (0, error_body_1.errorBody)(500, 'Internal server error');
        if (this.debug)
            body.stack = error.stack;
        return body;
    }
};
exports.ErrorFilter = ErrorFilter;
exports.ErrorFilter = ErrorFilter = __decorate([
    (0, common_1.Catch)(),
    __metadata("design:paramtypes", [Boolean])
], ErrorFilter);
function messageOf(exception) {
    const response = exception.getResponse();
    if (typeof response === 'string')
        return response;
    const message = response.message;
    if (Array.isArray(message))
        return message.map(String).join('; ');
    return typeof message === 'string' ? message : exception.message;
}
