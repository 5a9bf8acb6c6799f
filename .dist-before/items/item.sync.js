"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.ITEM_MASTER = void 0;
const item_entity_1 = require("./item.entity");
exports.ITEM_MASTER = { cqrsId: 'item', entity: item_entity_1.Item };
