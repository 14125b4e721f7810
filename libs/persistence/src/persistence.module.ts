import { type DynamicModule, Module } from '@nestjs/common';
import { PrismaService } from './prisma.service';

export interface PersistenceOptions {
  databaseUrl: string;
}

@Module({})
export class PersistenceModule {
  static forRoot({ databaseUrl }: PersistenceOptions): DynamicModule {
    return {
      module: PersistenceModule,
      global: true,
      providers: [{ provide: PrismaService, useFactory: () => new PrismaService(databaseUrl) }],
      exports: [PrismaService],
    };
  }
}
