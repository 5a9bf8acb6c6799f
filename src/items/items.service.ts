import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { Repository } from 'typeorm';
import { CreateItemDto } from './dto/create-item.dto';
import { ItemPage, ItemResponse } from './dto/item.response';
import { ListItemsQuery } from './dto/list-items.query';
import { UpdateItemDto } from './dto/update-item.dto';
import { Item } from './item.entity';

@Injectable()
export class ItemsService {
  constructor(@InjectRepository(Item) private readonly items: Repository<Item>) {}

  async create(dto: CreateItemDto): Promise<ItemResponse> {
    const item = this.items.create({ id: randomUUID(), description: '', quantity: 0, ...dto });
    return ItemResponse.from(await this.items.save(item));
  }

  async list(query: ListItemsQuery): Promise<ItemPage> {
    const descending = query.ordering.startsWith('-');
    const column = query.ordering.replace('-', '') === 'name' ? 'item.name' : 'item.createdAt';
    const builder = this.items
      .createQueryBuilder('item')
      .orderBy(column, descending ? 'DESC' : 'ASC')
      .addOrderBy('item.id', 'ASC') // a stable order, so pages never repeat or skip rows
      .take(query.limit)
      .skip(query.offset);
    if (query.search) {
      builder.where("LOWER(item.name) LIKE :pattern ESCAPE '\\'", {
        pattern: `%${escapeLike(query.search.toLowerCase())}%`,
      });
    }
    const [rows, count] = await builder.getManyAndCount();
    return {
      count,
      limit: query.limit,
      offset: query.offset,
      results: rows.map((row) => ItemResponse.from(row)),
    };
  }

  async get(id: string): Promise<ItemResponse> {
    return ItemResponse.from(await this.findOrFail(id));
  }

  async update(id: string, dto: UpdateItemDto): Promise<ItemResponse> {
    const item = await this.findOrFail(id);
    return ItemResponse.from(await this.items.save(this.items.merge(item, dto)));
  }

  async remove(id: string): Promise<void> {
    const result = await this.items.delete({ id });
    if (!result.affected) throw new NotFoundException(`item ${id} not found`);
  }

  private async findOrFail(id: string): Promise<Item> {
    const item = await this.items.findOneBy({ id });
    if (!item) throw new NotFoundException(`item ${id} not found`);
    return item;
  }
}

/** `%` and `_` in a search are literal characters, not wildcards. */
function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (char) => `\\${char}`);
}
