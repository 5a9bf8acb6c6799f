import {
  Body,
  Controller,
  Header,
  HttpCode,
  OnModuleInit,
  Post,
  UnauthorizedException,
  UseGuards,
} from '@nestjs/common';
import { ApiTags, ApiTooManyRequestsResponse, ApiUnauthorizedResponse } from '../http/api-docs';
import { LoginDto } from './dto/login.dto';
import { RefreshDto } from './dto/refresh.dto';
import { TokenPairResponse } from './dto/token-pair.response';
import { VerifyTokenDto } from './dto/verify-token.dto';
import { LoginThrottleGuard } from './login-throttle.guard';
import { Public } from '../platform/public.decorator';
import { RefreshTokensService } from './refresh-tokens.service';
import { UsersService } from './users.service';

/** simplejwt's message, so clients of the Django login service see what they expect. */
const BAD_CREDENTIALS = 'No active account found with the given credentials';

/**
 * simplejwt's endpoints; registered only on a login service (JWT_SIGN_KEY is a key). Answers
 * that carry tokens are never stored by a browser or proxy (RFC 6749 5.1).
 */
@ApiTags('auth')
@ApiUnauthorizedResponse()
@Public()
@Controller('api/token')
export class TokenController implements OnModuleInit {
  constructor(
    private readonly users: UsersService,
    private readonly refreshTokens: RefreshTokensService,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.users.warmUp();
  }

  @Post()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  @UseGuards(LoginThrottleGuard)
  @ApiTooManyRequestsResponse()
  async login(@Body() dto: LoginDto): Promise<TokenPairResponse> {
    const user = await this.users.authenticate(dto.username, dto.password);
    if (!user) throw new UnauthorizedException(BAD_CREDENTIALS);
    return this.refreshTokens.issuePair(user);
  }

  /** Rotates: the answer carries a new refresh token too (simplejwt's ROTATE_REFRESH_TOKENS). */
  @Post('refresh')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  refresh(@Body() dto: RefreshDto): Promise<TokenPairResponse> {
    return this.refreshTokens.rotate(dto.refresh);
  }

  @Post('verify')
  @HttpCode(200)
  async verify(@Body() dto: VerifyTokenDto): Promise<Record<string, never>> {
    await this.refreshTokens.verifyAny(dto.token);
    return {};
  }
}
