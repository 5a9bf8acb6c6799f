import { ApiProperty } from '../../http/api-docs';
import { IsString, MaxLength, MinLength } from 'class-validator';

/** `POST /api/token/` body, as simplejwt's TokenObtainPairView takes it. */
export class LoginDto {
  @ApiProperty({ example: 'alice' })
  @IsString()
  @MinLength(1)
  @MaxLength(150)
  username!: string;

  @ApiProperty({ example: 'correct horse battery staple' })
  @IsString()
  @MinLength(1)
  // scrypt takes any length, but a megabyte "password" should not reach it.
  @MaxLength(1024)
  password!: string;
}
