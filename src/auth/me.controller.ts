import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { CurrentUser } from './current-user.decorator';
import { MeResponse } from './dto/token-pair.response';
import { AuthUser } from './token-claims';

@ApiTags('auth')
@ApiBearerAuth()
@ApiUnauthorizedResponse()
@Controller('api')
export class MeController {
  /** Straight from the verified token: no database read (it is the benchmark's route). */
  @Get('me')
  me(@CurrentUser() user: AuthUser): MeResponse {
    return { user_id: user.userId, username: user.username, roles: [...user.roles] };
  }
}
