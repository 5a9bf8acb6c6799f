"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.createValidationPipe = createValidationPipe;
const common_1 = require("@nestjs/common");
function createValidationPipe(unknownFields = 'refuse') {
    return new common_1.ValidationPipe({
        whitelist: true,
        forbidNonWhitelisted: unknownFields === 'refuse',
        transform: true,
        validationError: { target: false, value: false },
        exceptionFactory: (errors) => new common_1.BadRequestException(flatten(errors).join('; ')),
    });
}
function flatten(errors, prefix = '') {
    return errors.flatMap((error) => {
        const path = prefix ? `${prefix}.${error.property}` : error.property;
        const own = Object.values(error.constraints ?? {}).map((text) => text.replace(error.property, path));
        return [...own, ...flatten(error.children ?? [], path)];
    });
}
