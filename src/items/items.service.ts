import { Injectable, MethodNotAllowedException, NotFoundException, Optional } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { Repository } from 'typeorm';
import { MasterRepository } from '../sync/master-repository';
import { InjectMasterRepository } from '../sync/sync.module';
import { CreateItemDto } from './dto/create-item.dto';
import { ItemPage, ItemResponse } from './dto/item.response';
import { ListItemsQuery } from './dto/list-items.query';
import { UpdateItemDto } from './dto/update-item.dto';
import { Item } from './item.entity';

/**
 * Reads go through the TypeORM repository; writes through the sync master repository, which
 * queues each change for the replicas (`cqrs_id` `item`) in the same transaction. A replica
 * (`ITEMS_SYNC=replica`) has no master repository: its rows change only when the master's do.
 */
@Injectable()
export class ItemsService {
  constructor(
    @InjectRepository(Item) private readonly items: Repository<Item>,
    @Optional() @InjectMasterRepository(Item) private readonly master?: MasterRepository<Item>,
  ) {}

  private get writes(): MasterRepository<Item> {
    if (!this.master)
      throw new MethodNotAllowedException(
        'items are a read-only replica on this service (ITEMS_SYNC=replica): change them on their master',
      );
    return this.master;
  }

  async create(dto: CreateItemDto): Promise<ItemResponse> {
    return ItemResponse.from(
      await this.writes.create({ id: randomUUID(), description: '', quantity: 0, ...dto }),
    );
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
    const item = await this.writes.update(id, { ...dto });
    if (!item) throw new NotFoundException(`item ${id} not found`);
    return ItemResponse.from(item);
  }

  async remove(id: string): Promise<void> {
    if (!(await this.writes.delete(id))) throw new NotFoundException(`item ${id} not found`);
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
