import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Settings } from '../settings/settings';
import { SyncModule } from '../sync/sync.module';
import { Item } from './item.entity';
import { ITEM_MASTER, ITEM_REPLICA } from './item.sync';
import { ItemsController } from './items.controller';
import { ItemsReportJob } from './items-report.job';
import { ItemsService } from './items.service';

const httpControllers = [ItemsController];
const jobs = [ItemsReportJob];

/**
 * `ITEMS_SYNC` picks the one sync role of `cqrs_id` `item` here: master (writes through the
 * outbox) or replica (the API reads a copy and refuses writes), never both.
 */
@Module({})
export class ItemsModule {
  static forRoot(settings: Pick<Settings, 'itemsSync'>): DynamicModule {
    const sync =
      settings.itemsSync === 'replica'
        ? SyncModule.forReplica(ITEM_REPLICA)
        : SyncModule.forMaster(ITEM_MASTER);
    return {
      module: ItemsModule,
      imports: [TypeOrmModule.forFeature([Item]), sync],
      controllers: [...httpControllers],
      providers: [ItemsService, ...jobs],
      exports: [ItemsService],
    };
  }
}
