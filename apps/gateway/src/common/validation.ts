import { type ArgumentMetadata, BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';
import { WsParamtype } from '@nestjs/websockets/enums/ws-paramtype.enum';
import { checkJsonValue, JsonInputError } from '@ioc/platform';
import { InvalidInputError } from './domain-errors';

const FROM_CLIENT: ReadonlySet<string | number> = new Set(['body', 'query', 'param', WsParamtype.PAYLOAD]);

/** Deepest socket message (and query) accepted; HTTP bodies are held to HTTP_MAX_JSON_DEPTH before parsing. */
export const MAX_MESSAGE_DEPTH = 32;

/**
 * Refuses values too deep or holding prototype-polluting keys before class-transformer walks them
 * (it recurses without bound and calls `constructor` keys: "Maximum call stack size exceeded",
 * "targetType is not a constructor"), then validates as usual.
 */
class GuardedValidationPipe extends ValidationPipe {
  constructor(
    options: ConstructorParameters<typeof ValidationPipe>[0],
    private readonly refuse: (message: string, field: string) => Error,
  ) {
    super(options);
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    try {
      // Only what the client sent: never the socket, the request or the principal.
      if (FROM_CLIENT.has(metadata.type as unknown as string | number)) checkJsonValue(value, MAX_MESSAGE_DEPTH);
    } catch (error) {
      if (error instanceof JsonInputError) throw this.refuse(error.message, error.path || '(root)');
      throw error;
    }
    return super.transform(value, metadata) as Promise<unknown>;
  }
}

/** Flattens nested class-validator errors into "tiles.0.unitCode"-style field paths. */
export function fieldErrors(errors: ValidationError[], parent = ''): { field: string; errors: string[] }[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, errors: Object.values(error.constraints) }] : [];
    return [...own, ...fieldErrors(error.children ?? [], field)];
  });
}

/** Global validation: unknown fields are refused, every failure is named with its field path. */
export const createValidationPipe = (): ValidationPipe =>
  new GuardedValidationPipe(
    {
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      exceptionFactory: (errors) => {
        const fields = fieldErrors(errors);
        return new BadRequestException({ message: `Invalid request: ${fields.map((f) => f.field).join(', ')}`, fields });
      },
    },
    (message, field) => new BadRequestException({ message, fields: [{ field, errors: [message] }] }),
  );

/** Validation of socket messages: failures become InvalidInputError, which the socket filter answers through the ack. */
export const createSocketValidationPipe = (): ValidationPipe =>
  new GuardedValidationPipe(
    {
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      exceptionFactory: (errors) => {
        const fields = fieldErrors(errors);
        return new InvalidInputError(
          `Invalid request: ${fields.map((f) => `${f.field} (${f.errors.join(', ')})`).join('; ')}`,
          fields.map((f) => f.field),
        );
      },
    },
    (message, field) => new InvalidInputError(message, [field]),
  );
