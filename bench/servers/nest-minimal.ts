// Nest with one controller on either adapter: isolates what the adapter costs. `fastify-logged`:
// the Fastify adapter with Fastify's own pino logger writing one JSON line per finished request
// to stdout (pino's defaults), which is what request logging alone costs Nest. `fastify-traced`:
// the Fastify adapter with OpenTelemetry's SDK recording one server span per request, batched and
// exported over OTLP (OTEL_EXPORTER_OTLP_ENDPOINT), which is what tracing alone costs Nest.
import 'reflect-metadata';
import type { Span } from '@opentelemetry/api';
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
        : mode === 'fastify-traced'
          ? await tracedFastifyAdapter()
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

/** OpenTelemetry is loaded only in this mode: the bare baseline's cold start and RSS stay its own. */
async function tracedFastifyAdapter(): Promise<FastifyAdapter> {
  const { context, SpanKind, trace } = await import('@opentelemetry/api');
  const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-proto');
  const { BatchSpanProcessor, NodeTracerProvider } = await import('@opentelemetry/sdk-trace-node');
  const provider = new NodeTracerProvider({
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  provider.register();
  const tracer = trace.getTracer('bare-nest');
  const adapter = new FastifyAdapter();
  const fastify = adapter.getInstance();
  const spans = new WeakMap<object, Span>();
  fastify.addHook('onRequest', (request, _reply, done) => {
    const span = tracer.startSpan(`${request.method} ${request.routeOptions.url}`, {
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': request.method, 'url.path': request.url },
    });
    spans.set(request, span);
    context.with(trace.setSpan(context.active(), span), done);
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const span = spans.get(request);
    span?.setAttribute('http.response.status_code', reply.statusCode);
    span?.end();
    done();
  });
  return adapter;
}

void main();
