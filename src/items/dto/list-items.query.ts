import { ApiPropertyOptional } from '../../http/api-docs';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { NoNulCharacter } from '../../http/validators';

const MAX_OFFSET = 1_000_000_000;

export const ITEM_ORDERINGS = ['created_at', '-created_at', 'name', '-name'] as const;
export type ItemOrdering = (typeof ITEM_ORDERINGS)[number];

export class ListItemsQuery {
  @ApiPropertyOptional({ default: 20, minimum: 1, maximum: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit: number = 20;

  // Far below what either database can skip (PostgreSQL's bigint), and beyond any real listing.
  @ApiPropertyOptional({ default: 0, minimum: 0, maximum: MAX_OFFSET })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_OFFSET)
  offset: number = 0;

  @ApiPropertyOptional({ enum: ITEM_ORDERINGS, default: '-created_at' })
  @IsOptional()
  @IsIn(ITEM_ORDERINGS)
  ordering: ItemOrdering = '-created_at';

  @ApiPropertyOptional({ description: 'case-insensitive substring of the name' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @NoNulCharacter()
  search?: string;
}
