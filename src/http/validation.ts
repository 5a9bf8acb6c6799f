import { BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';

/**
 * `refuse` (HTTP): an unknown field is a 400 that names it, so a client's typo is not a write
 * that silently ignores it. `strip` (bus messages): unknown fields are dropped, so a producer can
 * add a field without every consumer parking its messages until they deploy (tolerant reader).
 */
export function createValidationPipe(unknownFields: 'refuse' | 'strip' = 'refuse'): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: unknownFields === 'refuse',
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new BadRequestException(flatten(errors).join('; ')),
  });
}

function flatten(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((error) => {
    const path = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((text) => text.replace(error.property, path));
    return [...own, ...flatten(error.children ?? [], path)];
  });
}
