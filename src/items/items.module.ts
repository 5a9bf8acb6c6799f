import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Item } from './item.entity';
import { ItemsController } from './items.controller';
import { ItemsReportJob } from './items-report.job';
import { ItemsService } from './items.service';

const httpControllers = [ItemsController];
const jobs = [ItemsReportJob];

@Module({
  imports: [TypeOrmModule.forFeature([Item])],
  controllers: [...httpControllers],
  providers: [ItemsService, ...jobs],
  exports: [ItemsService],
})
export class ItemsModule {}
