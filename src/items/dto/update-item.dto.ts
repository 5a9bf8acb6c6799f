import { PartialType } from '../../http/api-docs';
import { CreateItemDto } from './create-item.dto';

/** PATCH semantics: every field optional, the same rules when present (`null` is not absent). */
export class UpdateItemDto extends PartialType(CreateItemDto, { skipNullProperties: false }) {}
