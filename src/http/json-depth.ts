import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/** No request body of this API nests anywhere near this deep; 10,000 levels would overflow the stack in validation. */
export const MAX_JSON_DEPTH = 64;

/**
 * Registers the JSON body parser (Fastify's own, as Nest would) behind a depth check: a body
 * nested deeper than MAX_JSON_DEPTH is a 400 before it is parsed, instead of a stack overflow (a
 * 500) in class-transformer. The body limit and prototype-poisoning checks stay Fastify's.
 */
export function registerJsonDepthLimit(app: NestFastifyApplication, bodyLimit: number): void {
  const fastify = app.getHttpAdapter().getInstance();
  const parse = fastify.getDefaultJsonParser('error', 'error');
  app.useBodyParser('application/json', { bodyLimit }, (request, body, done) => {
    const text = body.toString('utf8');
    if (nestingExceeds(text, MAX_JSON_DEPTH)) {
      const error = Object.assign(new Error(`JSON body nested deeper than ${MAX_JSON_DEPTH} levels`), {
        statusCode: 400,
      });
      done(error, undefined);
      return;
    }
    void parse(request as Parameters<typeof parse>[0], text, done);
  });
}

/** One pass over the text, strings skipped; invalid JSON is left to the parser to refuse. */
export function nestingExceeds(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === 0x5c /* \ */) i++;
      else if (char === 0x22 /* " */) inString = false;
    } else if (char === 0x22) inString = true;
    else if (char === 0x5b /* [ */ || char === 0x7b /* { */) {
      if (++depth > maxDepth) return true;
    } else if (char === 0x5d /* ] */ || char === 0x7d /* } */) depth--;
  }
  return false;
}
