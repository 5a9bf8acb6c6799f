import { ApiProperty } from '../../http/api-docs';

export class TokenPairResponse {
  @ApiProperty({ description: 'access token (RS256 JWT), sent as Authorization: Bearer <access>' })
  access!: string;

  @ApiProperty({ description: 'refresh token; single use, POST it to /api/token/refresh/' })
  refresh!: string;
}

export class MeResponse {
  @ApiProperty()
  user_id!: string;

  @ApiProperty()
  username!: string;

  @ApiProperty({ type: [String] })
  roles!: string[];
}
