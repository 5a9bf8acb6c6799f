"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.OptionalNotNull = OptionalNotNull;
exports.NoNulCharacter = NoNulCharacter;
const class_validator_1 = require("class-validator");
function OptionalNotNull() {
    return (0, class_validator_1.ValidateIf)((_object, value) => value !== undefined);
}
function NoNulCharacter() {
    return (0, class_validator_1.Matches)(/^[^\u0000]*$/, { message: '$property must not contain the NUL character' });
}
