import {
  BadRequestException,
  Controller,
  Get,
  Inject,
  Param,
  ParseUUIDPipe,
  Post,
  Req,
  Res,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { ApiExcludeController } from '../http/api-docs';
import type { FastifyReply } from 'fastify';
import { CreateItemDto } from '../items/dto/create-item.dto';
import { ItemResponse } from '../items/dto/item.response';
import { UpdateItemDto } from '../items/dto/update-item.dto';
import { createValidationPipe } from '../http/validation';
import { Public } from '../platform/public.decorator';
import { Settings, SETTINGS } from '../settings/settings';
import { AdminErrorFilter } from './admin-error.filter';
import { AdminFeatures } from './admin-features';
import { AdminHttp, AdminRequest, field, FormFields } from './admin-http';
import { offsetOf, PAGE_SIZE, searchOf, sendPage } from './admin-page';
import { AdminSessionGuard } from './admin-session.guard';
import { html, SafeHtml } from './html';
import { withNotice } from './layout';
import { pager, searchForm } from './widgets';

const PATH = '/admin/items';

/**
 * The example domain module's items, through ItemsService (writes go through its sync master
 * repository and reach the replicas). Forms are checked by the API's own DTOs and rules.
 */
@ApiExcludeController()
@Public()
@UseGuards(AdminSessionGuard)
@UseFilters(AdminErrorFilter)
@Controller('admin/items')
export class AdminItemsController {
  private readonly validation = createValidationPipe('strip');
  private readonly readOnly: boolean;

  constructor(
    @Inject(SETTINGS) private readonly settings: Settings,
    private readonly http: AdminHttp,
    private readonly features: AdminFeatures,
  ) {
    this.readOnly = settings.itemsSync === 'replica';
  }

  @Get()
  async list(@Req() request: AdminRequest, @Res() reply: FastifyReply): Promise<void> {
    const search = searchOf(request);
    const offset = offsetOf(request);
    const page = await this.features.items.list({
      search,
      offset,
      limit: PAGE_SIZE,
      ordering: '-created_at',
    });
    this.page(
      request,
      reply,
      'Items',
      (csrf) =>
        html` ${this.readOnly ? html`<p>Items are a read-only replica here (<code>ITEMS_SYNC=replica</code>): change them on their master.</p>` : ''}
          ${searchForm(PATH, search, 'Search items by name')}
          <table>
            <caption>
              ${page.count} items
            </caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Quantity</th>
                <th scope="col">Description</th>
                <th scope="col">Updated</th>
              </tr>
            </thead>
            <tbody>
              ${page.results.map(
                (item) =>
                  html`<tr>
                    <td><a href="${PATH}/${item.id}">${item.name}</a></td>
                    <td>${item.quantity}</td>
                    <td>${item.description}</td>
                    <td>${item.updated_at}</td>
                  </tr>`,
              )}
            </tbody>
          </table>
          ${pager(PATH, search, offset, page.count)}
          ${
            this.readOnly
              ? ''
              : html`<h2>Create an item</h2>
                  ${itemForm(PATH, csrf, 'Create')}`
          }`,
    );
  }

  @Post()
  async create(@Req() request: AdminRequest, @Res() reply: FastifyReply): Promise<void> {
    const dto = (await this.validated(this.http.form(request), CreateItemDto)) as CreateItemDto;
    const item = await this.features.items.create(dto);
    this.http.redirect(reply, withNotice(`${PATH}/${item.id}`, `created item ${item.name}`));
  }

  @Get(':id')
  async show(
    @Param('id', ParseUUIDPipe) id: string,
    @Req() request: AdminRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const item = await this.features.items.get(id);
    this.page(
      request,
      reply,
      `Item ${item.name}`,
      (csrf) =>
        html` <p><a href="${PATH}">All items</a> · created ${item.created_at} · updated ${item.updated_at}</p>
          ${
            this.readOnly
              ? itemDetails(item)
              : html`<h2>Edit</h2>
                  ${itemForm(`${PATH}/${item.id}`, csrf, 'Save', item)}
                  <h2>Delete</h2>
                  <p><a href="${PATH}/${item.id}/delete">Delete this item…</a></p>`
          }`,
    );
  }

  @Post(':id')
  async update(
    @Param('id', ParseUUIDPipe) id: string,
    @Req() request: AdminRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const dto = (await this.validated(this.http.form(request), UpdateItemDto)) as UpdateItemDto;
    const item = await this.features.items.update(id, dto);
    this.http.redirect(reply, withNotice(`${PATH}/${item.id}`, `saved item ${item.name}`));
  }

  /** The confirmation step: a page that says what goes, with the form that does it. */
  @Get(':id/delete')
  async confirmDelete(
    @Param('id', ParseUUIDPipe) id: string,
    @Req() request: AdminRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const item = await this.features.items.get(id);
    this.page(
      request,
      reply,
      `Delete item ${item.name}?`,
      (csrf) =>
        html` <p>The item is deleted here and on every replica. This cannot be undone.</p>
          <form method="post" action="${PATH}/${item.id}/delete">
            ${csrf} <button type="submit" class="danger">Delete ${item.name}</button>
            <a href="${PATH}/${item.id}">Cancel</a>
          </form>`,
    );
  }

  @Post(':id/delete')
  async remove(@Param('id', ParseUUIDPipe) id: string, @Res() reply: FastifyReply): Promise<void> {
    await this.features.items.remove(id);
    this.http.redirect(reply, withNotice(PATH, 'item deleted'));
  }

  /** The API's DTO rules applied to the form (its numbers arrive as text). */
  private async validated(form: FormFields, metatype: typeof CreateItemDto | typeof UpdateItemDto) {
    const quantityText = field(form, 'quantity');
    const body = {
      name: field(form, 'name'),
      description: field(form, 'description'),
      ...(quantityText === ''
        ? {}
        : { quantity: /^\d+$/.test(quantityText) ? Number(quantityText) : quantityText }),
    };
    try {
      return (await this.validation.transform(body, { type: 'body', metatype })) as unknown;
    } catch (error) {
      if (error instanceof BadRequestException) throw error;
      throw new BadRequestException((error as Error).message);
    }
  }

  private page(
    request: AdminRequest,
    reply: FastifyReply,
    title: string,
    content: (csrf: SafeHtml) => SafeHtml,
  ): void {
    sendPage(
      this.http,
      request,
      reply,
      { title, current: PATH, serviceName: this.settings.serviceName },
      content,
    );
  }
}

function itemForm(action: string, csrf: SafeHtml, submit: string, item?: ItemResponse): SafeHtml {
  return html`<form method="post" action="${action}">
    ${csrf}
    <p>
      <label for="name">Name</label><br /><input
        id="name"
        name="name"
        required
        maxlength="200"
        value="${item?.name ?? ''}"
      />
    </p>
    <p>
      <label for="quantity">Quantity</label><br /><input
        id="quantity"
        name="quantity"
        type="number"
        min="0"
        value="${item?.quantity ?? 0}"
      />
    </p>
    <p>
      <label for="description">Description</label><br /><textarea
        id="description"
        name="description"
        rows="3"
        cols="60"
        maxlength="2000"
      >
${item?.description ?? ''}</textarea>
    </p>
    <p><button type="submit">${submit}</button></p>
  </form>`;
}

function itemDetails(item: ItemResponse): SafeHtml {
  return html`<dl>
    <dt>Quantity</dt>
    <dd>${item.quantity}</dd>
    <dt>Description</dt>
    <dd>${item.description}</dd>
  </dl>`;
}
