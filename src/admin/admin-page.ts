import type { FastifyReply } from 'fastify';
import { AdminHttp, AdminRequest } from './admin-http';
import { SafeHtml } from './html';
import { layout } from './layout';

/** Renders one console page for a logged-in request, with its notice and CSRF field. */
export function sendPage(
  http: AdminHttp,
  request: AdminRequest,
  reply: FastifyReply,
  page: { title: string; current: string; serviceName: string; error?: string; status?: number },
  content: (csrf: SafeHtml) => SafeHtml,
): void {
  const csrf = http.csrfField(request, reply);
  const notice = (request.query as Record<string, unknown> | undefined)?.notice;
  http.send(
    reply,
    layout(
      {
        ...page,
        session: request.adminSession,
        csrf,
        notice: typeof notice === 'string' ? notice.slice(0, 300) : undefined,
      },
      content(csrf),
    ),
    page.status,
  );
}

/** Page size and offset from `?offset=` (pages of a fixed size keep the links simple). */
export function offsetOf(request: AdminRequest): number {
  const raw = (request.query as Record<string, unknown> | undefined)?.offset;
  const offset = typeof raw === 'string' ? Number.parseInt(raw, 10) : 0;
  return Number.isSafeInteger(offset) && offset > 0 ? offset : 0;
}

export function searchOf(request: AdminRequest): string {
  const raw = (request.query as Record<string, unknown> | undefined)?.search;
  return typeof raw === 'string' ? raw.trim().slice(0, 150) : '';
}

export const PAGE_SIZE = 50;
