"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.SettingsError = void 0;
class SettingsError extends Error {
    variable;
    constructor(variable, problem) {
        super(`${variable} ${problem}`);
        this.variable = variable;
        this.name = 'SettingsError';
    }
}
exports.SettingsError = SettingsError;
