import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';

export const ALERT_STATES = ['PENDING', 'FIRING', 'ACKNOWLEDGED', 'RESOLVED'] as const;
export const ALERT_SEVERITIES = ['CRITICAL', 'MAJOR', 'MINOR', 'INFO'] as const;

export class ListAlertsQueryDto {
  @ApiPropertyOptional({ enum: ALERT_STATES, description: 'Default: every open state (PENDING, FIRING, ACKNOWLEDGED)' })
  @IsOptional()
  @IsIn(ALERT_STATES)
  state?: (typeof ALERT_STATES)[number];

  @ApiPropertyOptional({ enum: ALERT_SEVERITIES })
  @IsOptional()
  @IsIn(ALERT_SEVERITIES)
  severity?: (typeof ALERT_SEVERITIES)[number];
}

export class AlertNoteDto {
  @ApiPropertyOptional({ description: 'Why, recorded with the transition' })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  note?: string;
}

export class AlertCommentDto {
  @IsString()
  @MinLength(1)
  @MaxLength(4000)
  body!: string;
}

/** Body of the socket message "alert:ack". */
export class AlertAckMessageDto extends AlertNoteDto {
  @IsUUID()
  alertId!: string;
}
