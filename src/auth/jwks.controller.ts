import { Controller, Get, Header } from '@nestjs/common';
import { ApiTags } from '../http/api-docs';
import { JwtKeysService } from './jwt-keys.service';
import { Public } from '../platform/public.decorator';

/** The login service's public keys, for services configured with JWT_VERIFY_KEY=<this URL>. */
@ApiTags('auth')
@Public()
@Controller('.well-known')
export class JwksController {
  constructor(private readonly keys: JwtKeysService) {}

  @Get('jwks.json')
  @Header('Cache-Control', 'public, max-age=300')
  jwks(): ReturnType<JwtKeysService['publicJwks']> {
    return this.keys.publicJwks();
  }
}
