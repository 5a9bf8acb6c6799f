import { ApiProperty } from '../../http/api-docs';
import { Item } from '../item.entity';

export class ItemResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() description!: string;
  @ApiProperty() quantity!: number;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ format: 'date-time' }) updated_at!: string;

  static from(item: Item): ItemResponse {
    return {
      id: item.id,
      name: item.name,
      description: item.description,
      quantity: item.quantity,
      created_at: item.createdAt.toISOString(),
      updated_at: item.updatedAt.toISOString(),
    };
  }
}

export class ItemPage {
  @ApiProperty({ description: 'items matching the query, across all pages' }) count!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
  @ApiProperty({ type: [ItemResponse] }) results!: ItemResponse[];
}
