import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsDate, IsEmail, IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';

export const ROLES = ['ADMIN', 'LEADER', 'OPERATOR', 'VIEWER', 'DISPLAY'] as const;
export type RoleName = (typeof ROLES)[number];

export class CreateUserDto {
  @ApiProperty({ example: 'chutich.522' })
  @Matches(/^[a-z0-9._-]{3,128}$/, { message: 'username must be 3-128 lower-case letters, digits, ".", "_" or "-"' })
  username!: string;

  @ApiProperty()
  @IsString()
  @MaxLength(255)
  displayName!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsEmail()
  @MaxLength(255)
  email?: string;

  @ApiProperty({ minLength: 12 })
  @IsString()
  @MinLength(12, { message: 'password must be at least 12 characters' })
  @MaxLength(256)
  password!: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role!: RoleName;

  @ApiProperty({ example: '522', description: 'Scope: the user sees this unit and its subtree' })
  @IsString()
  @MaxLength(32)
  unitCode!: string;
}

export class UpdateUserDto extends PartialType(OmitType(CreateUserDto, ['username'] as const)) {
  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

export class CreateApiKeyDto {
  @ApiProperty({ example: 'Màn hình phòng họp UBND TP' })
  @IsString()
  @MaxLength(255)
  name!: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role!: RoleName;

  @ApiProperty({ example: '522' })
  @IsString()
  @MaxLength(32)
  unitCode!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? new Date(value) : value))
  @IsDate({ message: 'expiresAt must be an ISO-8601 date-time' })
  expiresAt?: Date;
}
