import { Module } from '@nestjs/common';
import { DisplayViewController } from './display-view.controller';
import { DisplayViewService } from './display-view.service';
import { WebPagesController } from './web-pages.controller';

/** The reference wall display and leader page (built from apps/web into WEB_DIR), and the one view they need that the REST API lacks. */
@Module({
  controllers: [WebPagesController, DisplayViewController],
  providers: [DisplayViewService],
})
export class WebModule {}
