import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiExcludeController } from '../http/api-docs';
import type { FastifyReply } from 'fastify';
import { MetricsService } from '../platform/metrics.service';
import { Public } from '../platform/public.decorator';

@ApiExcludeController()
@Public()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  async render(@Res() reply: FastifyReply): Promise<void> {
    await reply.header('Content-Type', this.metrics.contentType).send(await this.metrics.render());
  }
}
