import { ApiProperty, ApiPropertyOptional } from '../../http/api-docs';
import { IsInt, IsNotEmpty, IsString, Max, MaxLength, Min } from 'class-validator';
import { NoNulCharacter, OptionalNotNull } from '../../http/validators';

/** PostgreSQL's `integer` ends at 2^31 - 1; the API documents (and keeps) a rounder bound. */
export const MAX_QUANTITY = 1_000_000_000;

export class CreateItemDto {
  @ApiProperty({ example: 'Blue widget', maxLength: 200 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  @NoNulCharacter()
  name!: string;

  @ApiPropertyOptional({ example: 'Fits every blue socket', maxLength: 2000 })
  @OptionalNotNull()
  @IsString()
  @MaxLength(2000)
  @NoNulCharacter()
  description?: string;

  @ApiPropertyOptional({ example: 3, minimum: 0, maximum: MAX_QUANTITY })
  @OptionalNotNull()
  @IsInt()
  @Min(0)
  @Max(MAX_QUANTITY)
  quantity?: number;
}
