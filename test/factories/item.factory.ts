import { randomUUID } from 'node:crypto';
import { CreateItemDto } from '../../src/items/dto/create-item.dto';
import { ItemResponse } from '../../src/items/dto/item.response';
import { TestApp } from '../support/test-app';

export function buildItem(overrides: Partial<CreateItemDto> = {}): CreateItemDto {
  return {
    name: `item ${randomUUID().slice(0, 8)}`,
    description: 'made by a test',
    quantity: 1,
    ...overrides,
  };
}

/** Creates the item through the API, as a client would, and returns the stored row. */
export async function createItem(
  testApp: TestApp,
  overrides: Partial<CreateItemDto> = {},
  headers: Record<string, string> = {},
): Promise<ItemResponse> {
  const response = await testApp.request('/api/items', {
    method: 'POST',
    json: buildItem(overrides),
    headers,
  });
  if (response.status !== 201) throw new Error(`createItem: ${response.status} ${await response.text()}`);
  return (await response.json()) as ItemResponse;
}
