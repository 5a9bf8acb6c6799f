import { readdirSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import type { SendOptions, SendResult } from '@fastify/send';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export type Send = (request: IncomingMessage, path: string, options: SendOptions) => Promise<SendResult>;

export interface StaticFiles {
  /** Where the files are served, with its trailing slash: '/docs/'. */
  prefix: string;
  /** The directory served, absolute. Its files only: subdirectories and dotfiles are not. */
  root: string;
  /** @fastify/send, loaded by the first request for one of the files. */
  send: () => Promise<Send>;
}

/**
 * The files of one directory under `prefix`, sent by @fastify/send as @fastify/static sends
 * them (ranges, ETag and Last-Modified with their 304s, `Cache-Control: public, max-age=0`), but
 * without the plugin, which loads glob, @fastify/send and a score of other modules at start-up
 * for files hardly anyone asks for: here only the route exists at start-up.
 *
 * Only the names listed when the route is registered are served, so there is no path to check:
 * `..`, an encoded slash or a backslash cannot name anything else (the name is one path segment
 * that must be in the list), and what is not in the list is the app's usual 404.
 */
export function serveStaticFiles(fastify: FastifyInstance, files: StaticFiles): void {
  const names = new Set(
    readdirSync(files.root, { withFileTypes: true })
      .filter((entry) => entry.isFile() && !entry.name.startsWith('.'))
      .map((entry) => entry.name),
  );
  fastify.route({
    method: ['HEAD', 'GET'],
    url: `${files.prefix}:name`,
    errorHandler(error: unknown, request, reply) {
      // The client went away while its file was streaming: nothing to answer.
      if ((error as { code?: unknown } | null)?.code === 'ERR_STREAM_PREMATURE_CLOSE') {
        request.raw.destroy();
        return;
      }
      return fastify.errorHandler(error, request, reply);
    },
    handler: async (request: FastifyRequest<{ Params: { name: string } }>, reply: FastifyReply) => {
      const { name } = request.params;
      if (!names.has(name)) return reply.callNotFound();
      const send = await files.send();
      // send() decodes the path it is given.
      const sent = await send(request.raw, `/${encodeURIComponent(name)}`, {
        root: files.root,
        index: false,
      });
      if (sent.type === 'file') return reply.code(sent.statusCode).headers(sent.headers).send(sent.stream);
      // Listed at start-up and gone since (or turned into a directory): not found.
      if (sent.type === 'directory' || (sent.metadata.error as { status?: number }).status === 404) {
        return reply.callNotFound();
      }
      // A 412 or 416 from the request's own conditions or range.
      return reply.send(sent.metadata.error);
    },
  });
}
