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
exports.IndexController = void 0;
const common_1 = require("@nestjs/common");
const swagger_1 = require("@nestjs/swagger");
const settings_1 = require("../settings/settings");
const service_info_1 = require("./service-info");
const public_decorator_1 = require("../platform/public.decorator");
let IndexController = class IndexController {
    index;
    html;
    constructor(settings) {
        this.index = {
            service: settings.serviceName,
            version: service_info_1.SERVICE_VERSION,
            links: {
                docs: '/docs',
                openapi: '/docs-json',
                live: '/health/live',
                ready: '/health/ready',
                metrics: '/metrics',
            },
        };
        this.html = renderHtml(this.index);
    }
    show(accept, reply) {
        if (accept?.includes('text/html')) {
            void reply.type('text/html; charset=utf-8').send(this.html);
        }
        else {
            void reply.send(this.index);
        }
    }
};
exports.IndexController = IndexController;
__decorate([
    (0, common_1.Get)(),
    (0, swagger_1.ApiOkResponse)({ description: 'service name, version and links' }),
    __param(0, (0, common_1.Headers)('accept')),
    __param(1, (0, common_1.Res)()),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [Object, Object]),
    __metadata("design:returntype", void 0)
], IndexController.prototype, "show", null);
exports.IndexController = IndexController = __decorate([
    (0, swagger_1.ApiTags)('service'),
    (0, public_decorator_1.Public)(),
    (0, common_1.Controller)(),
    __param(0, (0, common_1.Inject)(settings_1.SETTINGS)),
    __metadata("design:paramtypes", [Object])
], IndexController);
function renderHtml(index) {
    const escape = (text) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
    const links = Object.entries(index.links)
        .map(([name, href]) => `<li><a href="${escape(href)}">${escape(name)}</a> <code>${escape(href)}</code></li>`)
        .join('');
    return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(index.service)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem}code{color:#555}</style></head>
<body><h1>${escape(index.service)}</h1><p>version ${escape(index.version)}</p><ul>${links}</ul></body></html>`;
}
