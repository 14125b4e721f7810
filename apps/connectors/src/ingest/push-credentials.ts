import { IsString, MinLength } from 'class-validator';

/** Credentials of a push source (connector_type "push"): the shared HMAC secret. */
export class PushCredentials {
  @IsString()
  @MinLength(16)
  hmacSecret!: string;
}

export const PUSH_CONNECTOR_TYPE = 'push';
