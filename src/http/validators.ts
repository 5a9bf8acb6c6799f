import { Matches, ValidateIf } from 'class-validator';

/**
 * Like `@IsOptional()` but for `undefined` only: `null` is still validated, so `{"quantity":
 * null}` is a 400 naming the field instead of a NOT NULL violation (a 500) in the database.
 */
export function OptionalNotNull(): PropertyDecorator {
  return ValidateIf((_object: unknown, value: unknown) => value !== undefined);
}

/** PostgreSQL text cannot hold U+0000 (SQLite can): refused here, on both databases alike. */
export function NoNulCharacter(): PropertyDecorator {
  // eslint-disable-next-line no-control-regex -- matching the control character is the point
  return Matches(/^[^\u0000]*$/, { message: '$property must not contain the NUL character' });
}
