import { Controller, Get, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiTags, ApiUnauthorizedResponse } from '../http/api-docs';
import { AUTH_USER_PROPERTY, RequestWithUser } from './current-user.decorator';
import { MeResponse } from './dto/token-pair.response';

@ApiTags('auth')
@ApiBearerAuth()
@ApiUnauthorizedResponse()
@Controller('api')
export class MeController {
  /**
   * Straight from the verified token: no database read (it is the benchmark's route).
   * `@Req()` rather than `@CurrentUser()`: Nest runs the global pipes, asynchronously, on
   * every custom-decorator parameter, and on this route that is measurable.
   */
  @Get('me')
  me(@Req() request: RequestWithUser): MeResponse {
    const user = request[AUTH_USER_PROPERTY]!;
    return { user_id: user.userId, username: user.username, roles: [...user.roles] };
  }
}
