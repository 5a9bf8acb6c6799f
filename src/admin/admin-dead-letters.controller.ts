import {
  BadRequestException,
  Controller,
  Get,
  Inject,
  OnModuleDestroy,
  Post,
  Req,
  Res,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { ApiExcludeController } from '../http/api-docs';
import type { FastifyReply } from 'fastify';
import { deadLetterQueueName } from '../bus/bus.constants';
import { describeError } from '../bus/bus.errors';
import { DeadLetter, DeadLetterQueue } from '../bus/dead-letters';
import { Public } from '../platform/public.decorator';
import { Settings, SETTINGS } from '../settings/settings';
import { AdminErrorFilter } from './admin-error.filter';
import { AdminHttp, AdminRequest, field } from './admin-http';
import { sendPage } from './admin-page';
import { AdminSessionGuard } from './admin-session.guard';
import { html, SafeHtml } from './html';
import { withNotice } from './layout';

const PATH = '/admin/dead-letters';
/** Parked messages shown at most (peeked, never taken off the queue). */
const SHOWN = 50;
const BODY_SHOWN = 500;

/** The DeadLetterQueue the console uses: RabbitMQ's, or the in-process bus's. */
export const ADMIN_DEAD_LETTERS = Symbol('ADMIN_DEAD_LETTERS');

/**
 * This service's parked messages (`dead_letter_<SERVICE_NAME>`), through the same
 * DeadLetterQueue as `npm run cli -- bus:dlq`: list with the failure reason, replay (one chosen
 * message, the oldest one, or all), purge. Replay and purge ask for confirmation on a page of their own.
 */
@ApiExcludeController()
@Public()
@UseGuards(AdminSessionGuard)
@UseFilters(AdminErrorFilter)
@Controller('admin/dead-letters')
export class AdminDeadLettersController implements OnModuleDestroy {
  private readonly queue: string;

  constructor(
    @Inject(SETTINGS) private readonly settings: Settings,
    private readonly http: AdminHttp,
    @Inject(ADMIN_DEAD_LETTERS) private readonly deadLetters: DeadLetterQueue,
  ) {
    this.queue = settings.bus.queue;
  }

  async onModuleDestroy(): Promise<void> {
    await this.deadLetters.close();
  }

  @Get()
  async list(@Req() request: AdminRequest, @Res() reply: FastifyReply): Promise<void> {
    let letters: DeadLetter[] = [];
    let error: string | undefined;
    try {
      letters = await this.deadLetters.list(this.queue, SHOWN);
    } catch (failure) {
      error = `the dead letters cannot be read: ${describeError(failure).split('\n')[0]}`;
    }
    this.page(
      request,
      reply,
      'Dead letters',
      () =>
        html` <p>
            Queue <code>${deadLetterQueueName(this.queue)}</code>: messages whose handler kept failing, or
            that no handler takes. Replaying sends them back to <code>${this.queue}</code> with a fresh retry
            budget.
          </p>
          <table>
            <caption>
              ${letters.length} parked message(s)
              shown${letters.length === SHOWN ? ` (the first ${SHOWN})` : ''}
            </caption>
            <thead>
              <tr>
                <th scope="col">Failed at</th>
                <th scope="col">Reason</th>
                <th scope="col">Last error</th>
                <th scope="col">Routing key</th>
                <th scope="col">Retries</th>
                <th scope="col">Body</th>
                <th scope="col"><span class="visually-hidden">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              ${letters.map(letterRow)}
            </tbody>
          </table>
          ${
            letters.length > 0
              ? html`<form method="get" action="${PATH}/confirm">
                  <fieldset>
                    <legend>Act on the parked messages</legend>
                    <button type="submit" name="action" value="replay-one">Replay the oldest…</button>
                    <button type="submit" name="action" value="replay-all">Replay all…</button>
                    <button type="submit" name="action" value="purge" class="danger">Purge all…</button>
                  </fieldset>
                </form>`
              : ''
          }`,
      { error },
    );
  }

  /** What the chosen action will do, and the form that does it (JavaScript-free confirmation). */
  @Get('confirm')
  confirm(@Req() request: AdminRequest, @Res() reply: FastifyReply): void {
    const action = actionOf((request.query as Record<string, unknown>).action);
    this.page(
      request,
      reply,
      `${ACTIONS[action].title}?`,
      (csrf) =>
        html` <p>${ACTIONS[action].explain} (<code>${deadLetterQueueName(this.queue)}</code>)</p>
          <form method="post" action="${PATH}/${action}">
            ${csrf}<input type="hidden" name="confirmed" value="yes" />
            <button type="submit" ${action === 'purge' ? html` class="danger"` : ''}>
              ${ACTIONS[action].title}
            </button>
            <a href="${PATH}">Cancel</a>
          </form>`,
    );
  }

  /** One message's confirmation page: what it is, and the form that replays it. */
  @Get('message')
  async confirmMessage(@Req() request: AdminRequest, @Res() reply: FastifyReply): Promise<void> {
    const id = messageIdOf((request.query as Record<string, unknown>).id);
    const letter = (await this.deadLetters.list(this.queue, SHOWN)).find((parked) => parked.messageId === id);
    if (!letter) return this.http.redirect(reply, withNotice(PATH, `message ${id} is not parked any more`));
    this.page(
      request,
      reply,
      'Replay this message?',
      (csrf) =>
        html` <p>
            Message <code>${id}</code> (<code>${letter.routingKey}</code>, ${letter.reason || 'no reason'})
            goes back to <code>${this.queue}</code> with a fresh retry budget; the other parked messages stay.
          </p>
          <form method="post" action="${PATH}/replay-message">
            ${csrf}<input type="hidden" name="id" value="${id}" />
            <button type="submit">Replay this message</button>
            <a href="${PATH}">Cancel</a>
          </form>`,
    );
  }

  @Post('replay-message')
  async replayMessage(@Req() request: AdminRequest, @Res() reply: FastifyReply): Promise<void> {
    const id = messageIdOf(field(this.http.form(request), 'id'));
    const isReplayed = await this.deadLetters.replayMessage(this.queue, id);
    this.http.redirect(
      reply,
      withNotice(PATH, isReplayed ? `replayed message ${id}` : `message ${id} is not parked any more`),
    );
  }

  @Post('replay-one')
  async replayOne(@Res() reply: FastifyReply): Promise<void> {
    const replayed = await this.deadLetters.replay(this.queue, 1);
    this.http.redirect(reply, withNotice(PATH, `replayed ${replayed} message(s)`));
  }

  @Post('replay-all')
  async replayAll(@Res() reply: FastifyReply): Promise<void> {
    const replayed = await this.deadLetters.replay(this.queue, Number.MAX_SAFE_INTEGER);
    this.http.redirect(reply, withNotice(PATH, `replayed ${replayed} message(s)`));
  }

  @Post('purge')
  async purge(@Req() request: AdminRequest, @Res() reply: FastifyReply): Promise<void> {
    // A purge cannot be undone: the confirmation page's field must come with it.
    if (field(this.http.form(request), 'confirmed') !== 'yes')
      return this.http.redirect(reply, `${PATH}/confirm?action=purge`);
    const purged = await this.deadLetters.purge(this.queue);
    this.http.redirect(reply, withNotice(PATH, `purged ${purged} message(s)`));
  }

  private page(
    request: AdminRequest,
    reply: FastifyReply,
    title: string,
    content: (csrf: SafeHtml) => SafeHtml,
    extra: { error?: string } = {},
  ): void {
    sendPage(
      this.http,
      request,
      reply,
      { title, current: PATH, serviceName: this.settings.serviceName, ...extra },
      content,
    );
  }
}

type DeadLetterAction = 'replay-one' | 'replay-all' | 'purge';

const ACTIONS: Record<DeadLetterAction, { title: string; explain: string }> = {
  'replay-one': {
    title: 'Replay the oldest message',
    explain: 'The oldest parked message goes back to the service queue.',
  },
  'replay-all': {
    title: 'Replay all messages',
    explain: 'Every message parked now goes back to the service queue.',
  },
  purge: { title: 'Purge all messages', explain: 'Every parked message is deleted. This cannot be undone.' },
};

function actionOf(value: unknown): DeadLetterAction {
  return value === 'replay-all' || value === 'purge' ? value : 'replay-one';
}

function letterRow(letter: DeadLetter): SafeHtml {
  const body = letter.body.length > BODY_SHOWN ? `${letter.body.slice(0, BODY_SHOWN - 1)}…` : letter.body;
  return html`<tr>
    <td>${letter.failedAt || '?'}</td>
    <td>${letter.reason || '?'}</td>
    <td>${letter.lastError || '-'}</td>
    <td><code>${letter.routingKey}</code></td>
    <td>${letter.retries}</td>
    <td><code>${body}</code></td>
    <td>
      ${
        letter.messageId
          ? html`<a href="${PATH}/message?id=${encodeURIComponent(letter.messageId)}"
              >Replay<span class="visually-hidden"> message ${letter.messageId}</span>…</a
            >`
          : ''
      }
    </td>
  </tr>`;
}

/** A message id from a query or a form: bounded text, or a 400 from the error filter. */
function messageIdOf(value: unknown): string {
  if (typeof value !== 'string' || value === '' || value.length > 256)
    throw new BadRequestException('id: a parked message id is required');
  return value;
}
