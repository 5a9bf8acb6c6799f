"use strict";
var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var SettingsModule_1;
Object.defineProperty(exports, "__esModule", { value: true });
exports.SettingsModule = void 0;
const common_1 = require("@nestjs/common");
const settings_1 = require("./settings");
let SettingsModule = SettingsModule_1 = class SettingsModule {
    static forRoot(settings) {
        return {
            module: SettingsModule_1,
            providers: [{ provide: settings_1.SETTINGS, useValue: settings }],
            exports: [settings_1.SETTINGS],
        };
    }
};
exports.SettingsModule = SettingsModule;
exports.SettingsModule = SettingsModule = SettingsModule_1 = __decorate([
    (0, common_1.Global)(),
    (0, common_1.Module)({})
], SettingsModule);
