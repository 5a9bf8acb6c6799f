import { ApiProperty } from '../../http/api-docs';
import { IsString, MaxLength, MinLength } from 'class-validator';

/** `POST /api/token/refresh/` body. */
export class RefreshDto {
  @ApiProperty({ description: 'a refresh token from POST /api/token/' })
  @IsString()
  @MinLength(1)
  @MaxLength(8192)
  refresh!: string;
}
