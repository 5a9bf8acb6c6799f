import { BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';

/**
 * Unknown fields are refused rather than silently dropped, so a client's typo is a 400 that
 * names the field instead of a write that ignores it.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
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
