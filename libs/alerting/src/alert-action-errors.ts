/** Who acts on an alert: the user and the path of the unit they are scoped to. */
export interface AlertActor {
  userId: string;
  unitPath: string;
}

export class AlertNotFoundError extends Error {
  constructor(readonly alertId: string) {
    super(`Alert ${alertId} does not exist or is outside your unit scope`);
    this.name = 'AlertNotFoundError';
  }
}

export class AlertStateError extends Error {
  constructor(
    readonly alertId: string,
    readonly state: string,
    action: string,
  ) {
    super(`Alert ${alertId} is ${state}; it cannot be ${action}`);
    this.name = 'AlertStateError';
  }
}

export class InvalidCommentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidCommentError';
  }
}

const MAX_COMMENT_LENGTH = 4000;

/** A comment's text as stored (trimmed), or InvalidCommentError when empty or too long. */
export function commentText(body: string): string {
  const text = body.trim();
  if (text.length === 0 || text.length > MAX_COMMENT_LENGTH) {
    throw new InvalidCommentError(`comment body must hold 1-${MAX_COMMENT_LENGTH} characters`);
  }
  return text;
}
