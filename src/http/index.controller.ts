import { Controller, Get, Headers, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from './api-docs';
import type { FastifyReply } from 'fastify';
import { Settings, SETTINGS } from '../settings/settings';
import { SERVICE_VERSION } from './service-info';
import { Public } from '../platform/public.decorator';

interface ServiceIndex {
  service: string;
  version: string;
  links: Record<string, string>;
}

@ApiTags('service')
@Public()
@Controller()
export class IndexController {
  private readonly index: ServiceIndex;
  private readonly html: string;

  constructor(@Inject(SETTINGS) settings: Settings) {
    this.index = {
      service: settings.serviceName,
      version: SERVICE_VERSION,
      links: {
        docs: '/docs',
        openapi: '/docs-json',
        live: '/health/live',
        ready: '/health/ready',
        // Only when the HTTP port serves it; a link to a 404 (or to a port the visitor cannot reach) helps no one.
        ...(settings.observability.metricsPort === 'main' ? { metrics: '/metrics' } : {}),
      },
    };
    this.html = renderHtml(this.index);
  }

  /** JSON for programs, a small page for browsers (content negotiation on Accept). */
  @Get()
  @ApiOkResponse({ description: 'service name, version and links' })
  show(@Headers('accept') accept: string | undefined, @Res() reply: FastifyReply): void {
    if (accept?.includes('text/html')) {
      void reply.type('text/html; charset=utf-8').send(this.html);
    } else {
      void reply.send(this.index);
    }
  }
}

function renderHtml(index: ServiceIndex): string {
  const escape = (text: string) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const links = Object.entries(index.links)
    .map(
      ([name, href]) => `<li><a href="${escape(href)}">${escape(name)}</a> <code>${escape(href)}</code></li>`,
    )
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(index.service)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem}code{color:#555}</style></head>
<body><h1>${escape(index.service)}</h1><p>version ${escape(index.version)}</p><ul>${links}</ul></body></html>`;
}
