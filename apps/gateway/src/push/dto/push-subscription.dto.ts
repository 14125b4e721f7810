import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsNumber, IsOptional, IsString, IsUrl, Matches, MaxLength, ValidateNested } from 'class-validator';

export class PushSubscriptionKeysDto {
  @ApiProperty({ description: "The browser's P-256 public key, URL-safe base64" })
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{40,255}$/, { message: 'keys.p256dh must be URL-safe base64 (a P-256 public key)' })
  p256dh!: string;

  @ApiProperty({ description: 'The authentication secret, URL-safe base64' })
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{16,255}$/, { message: 'keys.auth must be URL-safe base64 (16 bytes or more)' })
  auth!: string;
}

/** PushSubscription.toJSON() of the browser, as it comes. */
export class PushSubscriptionDto {
  @ApiProperty({ description: "The push service's endpoint for this browser (https)" })
  @IsUrl({ protocols: ['https'], require_protocol: true, require_tld: false }, { message: 'endpoint must be an https:// URL' })
  @MaxLength(2048)
  endpoint!: string;

  @ApiPropertyOptional({ description: 'When the push service will expire it (ms since epoch); browsers usually send null' })
  @IsOptional()
  @IsNumber()
  expirationTime?: number | null;

  @ApiProperty({ type: PushSubscriptionKeysDto })
  @ValidateNested()
  @Type(() => PushSubscriptionKeysDto)
  keys!: PushSubscriptionKeysDto;
}

export class PushEndpointDto {
  @ApiProperty()
  @IsString()
  @MaxLength(2048)
  endpoint!: string;
}
