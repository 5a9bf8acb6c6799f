import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsNotEmpty, IsOptional, IsString, MaxLength, Min } from 'class-validator';

export class CreateItemDto {
  @ApiProperty({ example: 'Blue widget', maxLength: 200 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ApiPropertyOptional({ example: 'Fits every blue socket', maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string;

  @ApiPropertyOptional({ example: 3, minimum: 0, maximum: 1_000_000_000 })
  @IsOptional()
  @IsInt()
  @Min(0)
  quantity?: number;
}
