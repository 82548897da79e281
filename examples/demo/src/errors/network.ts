// Errors the email and billing tasks retry for.
export class TransientError extends Error {}

export class NetworkError extends TransientError {
  constructor(readonly host: string) {
    super(`network error talking to ${host}`);
  }
}

/** Not an Error: listing it in retry_for is a mistake Tasklens catches. */
export class RateLimitNotice {
  constructor(readonly retryAfterSeconds: number) {}
}
