import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { jsonBodyMiddleware } from '@ioc/platform';
import { HttpExceptionFilter } from './common/http-exception.filter';
import { createValidationPipe } from './common/validation';
import { GatewayConfig } from './config/gateway-config';
import { LiveIoAdapter } from './live/live-io.adapter';

/** Body reader, pipes, filter, socket.io adapter and OpenAPI (/docs): shared by main.ts and the e2e tests. */
export function configureGatewayApp(app: INestApplication): void {
  const config = app.get(GatewayConfig);
  app.use(jsonBodyMiddleware({ maxBytes: config.HTTP_MAX_BODY_BYTES, maxDepth: config.HTTP_MAX_JSON_DEPTH }));
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new HttpExceptionFilter());
  app.useWebSocketAdapter(new LiveIoAdapter(app, config));
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('IOC Realtime gateway')
      .setDescription('Live indicators (socket.io namespace /live) and the REST API of the provincial IOC.')
      .addBearerAuth()
      .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key' }, 'api-key')
      .build(),
  );
  SwaggerModule.setup('docs', app, document);
}
