import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SyncModule } from '../sync/sync.module';
import { Item } from './item.entity';
import { ITEM_MASTER } from './item.sync';
import { ItemsController } from './items.controller';
import { ItemsReportJob } from './items-report.job';
import { ItemsService } from './items.service';

const httpControllers = [ItemsController];
const jobs = [ItemsReportJob];

@Module({
  imports: [TypeOrmModule.forFeature([Item]), SyncModule.forMaster(ITEM_MASTER)],
  controllers: [...httpControllers],
  providers: [ItemsService, ...jobs],
  exports: [ItemsService],
})
export class ItemsModule {}
