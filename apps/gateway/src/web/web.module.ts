import { Module } from '@nestjs/common';
import { WebPagesController } from './web-pages.controller';

/** Serves the reference wall display and leader page, built from apps/web into WEB_DIR. Their data comes from the public REST API and /live. */
@Module({ controllers: [WebPagesController] })
export class WebModule {}
