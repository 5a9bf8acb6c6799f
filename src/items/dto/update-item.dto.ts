import { PartialType } from '@nestjs/swagger';
import { CreateItemDto } from './create-item.dto';

/** PATCH semantics: every field optional, the same rules when present. */
export class UpdateItemDto extends PartialType(CreateItemDto) {}
