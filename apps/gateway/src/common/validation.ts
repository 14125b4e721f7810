import { BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';
import { InvalidInputError } from './domain-errors';

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
  new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => {
      const fields = fieldErrors(errors);
      return new BadRequestException({ message: `Invalid request: ${fields.map((f) => f.field).join(', ')}`, fields });
    },
  });

/** Validation of socket messages: failures become InvalidInputError, which the socket filter answers through the ack. */
export const createSocketValidationPipe = (): ValidationPipe =>
  new ValidationPipe({
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
  });
