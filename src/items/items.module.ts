import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Item } from './item.entity';
import { ItemsController } from './items.controller';
import { ItemsService } from './items.service';

const httpControllers = [ItemsController];

@Module({
  imports: [TypeOrmModule.forFeature([Item])],
  controllers: [...httpControllers],
  providers: [ItemsService],
  exports: [ItemsService],
})
export class ItemsModule {}
