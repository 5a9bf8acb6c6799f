// Nest with one controller on either adapter: isolates what the adapter costs. `fastify-logged`:
// the Fastify adapter with Fastify's own pino logger writing one JSON line per finished request
// to stdout (pino's defaults), which is what request logging alone costs Nest.
import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { LogController } from 'fastify';

@Controller()
class HelloController {
  @Get('hello')
  hello(): { hello: string } {
    return { hello: 'world' };
  }
}

@Module({ controllers: [HelloController] })
class HelloModule {}

async function main(): Promise<void> {
  const mode = process.argv[3];
  const adapter =
    mode === 'express'
      ? new ExpressAdapter()
      : mode === 'fastify-logged'
        ? loggedFastifyAdapter()
        : new FastifyAdapter();
  const app = await NestFactory.create(HelloModule, adapter, { logger: false });
  await app.listen(Number(process.argv[2]), '127.0.0.1');
  process.send?.('ready');
}
function loggedFastifyAdapter(): FastifyAdapter {
  const adapter = new FastifyAdapter({
    logger: { level: 'info' },
    logController: new LogController({ disableRequestLogging: true }),
  });
  adapter.getInstance().addHook('onResponse', (request, reply, done) => {
    request.log.info(
      {
        method: request.method,
        url: request.url,
        statusCode: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request completed',
    );
    done();
  });
  return adapter;
}

void main();
