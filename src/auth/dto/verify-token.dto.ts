import { ApiProperty } from '../../http/api-docs';
import { IsString, MaxLength, MinLength } from 'class-validator';

/** `POST /api/token/verify/` body. */
export class VerifyTokenDto {
  @ApiProperty({ description: 'an access or refresh token' })
  @IsString()
  @MinLength(1)
  @MaxLength(8192)
  token!: string;
}
