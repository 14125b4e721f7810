import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Controller, Get, Logger, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import type { Response } from 'express';
import { Public } from '../auth/auth.decorators';
import { GatewayConfig } from '../config/gateway-config';

/**
 * Serves the built pages. They are public shells: every datum they show comes from the API and
 * the /live namespace with the credential the operator supplies, so nothing secret is in them.
 */
@ApiExcludeController()
@Public()
// Static files are cheap; a room of displays behind one address reloading together must not spend the API's rate limit on them.
@SkipThrottle()
@Controller()
export class WebPagesController {
  private readonly root: string;

  constructor(config: GatewayConfig) {
    this.root = resolve(config.WEB_DIR);
    if (!existsSync(resolve(this.root, 'display.html'))) {
      new Logger(WebPagesController.name).warn(
        `No built web app in ${this.root} (run "npm run build"): /display and /leader will answer 404`,
      );
    }
  }

  @Get('display/:dashboard')
  display(@Res() response: Response): void {
    this.page(response, 'display.html');
  }

  @Get('leader')
  leader(@Res() response: Response): void {
    this.page(response, 'leader.html');
  }

  /** Hashed bundles (cached for good) and the service worker (always revalidated, so updates reach leaders). */
  @Get('app/*file')
  asset(@Param('file') file: string[] | string, @Res() response: Response): void {
    const relative = Array.isArray(file) ? file.join('/') : file;
    const immutable = relative.startsWith('assets/');
    // sendFile with `root` refuses paths that climb out of it, and dotfiles are denied.
    response.sendFile(relative, { root: this.root, dotfiles: 'deny', immutable, maxAge: immutable ? '365d' : 0 }, (error) => {
      if (error && !response.headersSent)
        response.status(404).json({ statusCode: 404, error: 'not_found', message: `No file app/${relative}` });
    });
  }

  private page(response: Response, name: string): void {
    response.setHeader('Cache-Control', 'no-cache');
    // Everything the pages load or call is on this origin; no referrer, so a ?key= never travels in one.
    response.setHeader(
      'Content-Security-Policy',
      "default-src 'self'; connect-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
    );
    response.setHeader('Referrer-Policy', 'no-referrer');
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.sendFile(name, { root: this.root }, (error) => {
      if (error && !response.headersSent) {
        response
          .status(404)
          .json({ statusCode: 404, error: 'not_found', message: `The web app is not built in ${this.root}; run "npm run build"` });
      }
    });
  }
}
