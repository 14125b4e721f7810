import { Body, Controller, Delete, Get, Headers, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { PushEndpointDto, PushSubscriptionDto } from './dto/push-subscription.dto';
import { PushService } from './push.service';

@ApiTags('push')
@ApiBearerAuth()
@ApiSecurity('api-key')
@Controller('push')
export class PushController {
  constructor(private readonly push: PushService) {}

  @Get('vapid-public-key')
  @ApiOperation({ summary: 'The VAPID public key browsers subscribe with (404 when Web Push is not configured)' })
  publicKey(): { publicKey: string } {
    return this.push.publicKey();
  }

  @Post('subscriptions')
  @ApiOperation({ summary: "Register this browser's push subscription for the signed-in user" })
  subscribe(
    @CurrentPrincipal() principal: Principal,
    @Body() body: PushSubscriptionDto,
    @Headers('user-agent') userAgent?: string,
  ): Promise<{ id: string }> {
    return this.push.subscribe(principal, body, userAgent);
  }

  @Delete('subscriptions')
  @HttpCode(204)
  @ApiOperation({ summary: "Remove one of the signed-in user's push subscriptions" })
  unsubscribe(@CurrentPrincipal() principal: Principal, @Query() query: PushEndpointDto): Promise<void> {
    return this.push.unsubscribe(principal, query.endpoint);
  }
}
