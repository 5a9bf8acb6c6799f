import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiNotFoundResponse, ApiTags } from '../http/api-docs';
import { Roles } from '../auth/roles.decorator';
import { CreateItemDto } from './dto/create-item.dto';
import { ItemPage, ItemResponse } from './dto/item.response';
import { ListItemsQuery } from './dto/list-items.query';
import { UpdateItemDto } from './dto/update-item.dto';
import { ItemsService } from './items.service';

/** Reading needs any valid access token; changing items needs one of these roles. */
const ITEMS_WRITE_ROLES = ['admin', 'items:write'] as const;

@ApiTags('items')
@ApiBearerAuth()
@Controller('api/items')
export class ItemsController {
  constructor(private readonly items: ItemsService) {}

  @Post()
  @Roles(...ITEMS_WRITE_ROLES)
  create(@Body() dto: CreateItemDto): Promise<ItemResponse> {
    return this.items.create(dto);
  }

  @Get()
  list(@Query() query: ListItemsQuery): Promise<ItemPage> {
    return this.items.list(query);
  }

  @Get(':id')
  @ApiNotFoundResponse()
  get(@Param('id', ParseUUIDPipe) id: string): Promise<ItemResponse> {
    return this.items.get(id);
  }

  @Patch(':id')
  @Roles(...ITEMS_WRITE_ROLES)
  @ApiNotFoundResponse()
  update(@Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateItemDto): Promise<ItemResponse> {
    return this.items.update(id, dto);
  }

  @Delete(':id')
  @Roles(...ITEMS_WRITE_ROLES)
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiNotFoundResponse()
  remove(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.items.remove(id);
  }
}
