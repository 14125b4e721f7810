import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  DelegateBackoff,
  TimeoutStrategy,
  circuitBreaker,
  handleWhen,
  retry,
  timeout,
  wrap,
  type CircuitBreakerPolicy,
  type IPolicy,
} from 'cockatiel';
import { SourceError } from './errors';

export interface HttpClientOptions {
  /** Per attempt. */
  timeoutMs: number;
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** First backoff cap; doubles each attempt, with full jitter. */
  backoffInitialMs: number;
  backoffMaxMs: number;
  /** Consecutive failures (5xx, network, timeout) that open the circuit. */
  breakerThreshold: number;
  /** How long the circuit stays open before a trial call. */
  breakerHalfOpenAfterMs: number;
}

export const DEFAULT_HTTP_OPTIONS: HttpClientOptions = {
  timeoutMs: 10_000,
  maxAttempts: 4,
  backoffInitialMs: 200,
  backoffMaxMs: 10_000,
  breakerThreshold: 5,
  breakerHalfOpenAfterMs: 30_000,
};

export interface RequestOptions {
  headers?: Record<string, string>;
  query?: Record<string, string | number | boolean | undefined | null>;
  method?: 'GET' | 'POST';
  body?: unknown;
}

export type CircuitStateName = 'closed' | 'open' | 'half-open';

function parseRetryAfter(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/**
 * JSON over HTTP for connectors: a timeout per attempt, retries with exponential backoff and
 * full jitter (honouring Retry-After), and a circuit breaker shared by every call of the
 * source, all from cockatiel. Failures surface as SourceError with their kind.
 */
export class HttpClient {
  readonly breaker: CircuitBreakerPolicy;
  private readonly policy: IPolicy;

  constructor(readonly options: HttpClientOptions = DEFAULT_HTTP_OPTIONS) {
    const isSourceError = (kind: 'retry' | 'breaker') =>
      handleWhen((error) => error instanceof SourceError && (kind === 'retry' ? error.retryable : error.opensCircuit));
    const backoff = new DelegateBackoff<{ attempt: number; result: { error: Error } | { value: unknown } }>((context) => {
      const error = 'error' in context.result ? context.result.error : undefined;
      if (error instanceof SourceError && error.retryAfterMs !== undefined) return Math.min(error.retryAfterMs, options.backoffMaxMs);
      const cap = Math.min(options.backoffMaxMs, options.backoffInitialMs * 2 ** (context.attempt - 1));
      return Math.random() * cap;
    });
    this.breaker = circuitBreaker(isSourceError('breaker'), {
      halfOpenAfter: options.breakerHalfOpenAfterMs,
      breaker: new ConsecutiveBreaker(options.breakerThreshold),
    });
    this.policy = wrap(
      retry(isSourceError('retry'), { maxAttempts: options.maxAttempts - 1, backoff }),
      this.breaker,
      // Cooperative: the abort reaches fetch, which fails as a SourceError("timeout") that retry and breaker see.
      timeout(options.timeoutMs, TimeoutStrategy.Cooperative),
    );
  }

  get circuitState(): CircuitStateName {
    switch (this.breaker.state) {
      case CircuitState.Closed:
        return 'closed';
      case CircuitState.HalfOpen:
        return 'half-open';
      default:
        return 'open';
    }
  }

  async json<T>(url: string, request: RequestOptions = {}): Promise<T> {
    const target = new URL(url);
    for (const [name, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined && value !== null) target.searchParams.set(name, String(value));
    }
    try {
      return (await this.policy.execute(({ signal }) => this.attempt(target, request, signal))) as T;
    } catch (error) {
      if (error instanceof BrokenCircuitError) {
        throw new SourceError('circuit-open', `circuit open for ${target.host}: the source failed repeatedly`);
      }
      throw error;
    }
  }

  private async attempt(url: URL, request: RequestOptions, signal: AbortSignal): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(url, {
        method: request.method ?? 'GET',
        headers: {
          accept: 'application/json',
          ...(request.body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...request.headers,
        },
        body: request.body !== undefined ? JSON.stringify(request.body) : undefined,
        signal,
      });
    } catch (error) {
      if (signal.aborted) throw new SourceError('timeout', `no answer from ${url.host} within ${this.options.timeoutMs} ms`);
      throw new SourceError(
        'network',
        `cannot reach ${url.host}: ${(error as Error & { cause?: Error }).cause?.message ?? (error as Error).message}`,
      );
    }
    const where = `${request.method ?? 'GET'} ${url.pathname}`;
    if (response.status === 401 || response.status === 403) {
      throw new SourceError('auth', `${where} refused the credentials (HTTP ${response.status})`, response.status);
    }
    if (response.status === 429) {
      throw new SourceError('rate-limited', `${where} rate-limited (HTTP 429)`, 429, parseRetryAfter(response.headers.get('retry-after')));
    }
    if (response.status >= 500) throw new SourceError('server', `${where} failed with HTTP ${response.status}`, response.status);
    if (!response.ok) throw new SourceError('client', `${where} answered HTTP ${response.status}`, response.status);
    try {
      return await response.json();
    } catch {
      if (signal.aborted) throw new SourceError('timeout', `${where} body not received within ${this.options.timeoutMs} ms`);
      throw new SourceError('payload', `${where} did not answer JSON`);
    }
  }
}
