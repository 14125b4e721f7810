import {
  context,
  propagation,
  trace,
  SpanKind,
  SpanStatusCode,
  type Attributes,
  type Context,
  type Link,
  type Span,
} from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { TraceCarrier } from '@ioc/contracts';

export { SpanKind, type Span };

const TRACER = 'ioc-realtime';
let provider: NodeTracerProvider | undefined;

/**
 * Exports this process's spans over OTLP/HTTP to `endpoint` (the collector's base URL, as
 * OTEL_EXPORTER_OTLP_ENDPOINT means it). Without an endpoint nothing is registered: every span
 * is the API's no-op and no carrier is written, so tracing costs nothing when it is off.
 */
export function startTracing(service: string, endpoint: string | undefined): void {
  if (!endpoint || provider) return;
  provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: service }),
    spanProcessors: [
      new BatchSpanProcessor(new OTLPTraceExporter({ url: `${endpoint.replace(/\/+$/, '')}/v1/traces` }), { scheduledDelayMillis: 1000 }),
    ],
  });
  // Async-local context and the W3C propagator, so spans nest across awaits and carriers are W3C.
  provider.register();
}

/** Whether spans are exported (OTEL_EXPORTER_OTLP_ENDPOINT set): lets callers skip gathering links for nothing. */
export function tracingEnabled(): boolean {
  return provider !== undefined;
}

/** Sends the spans still buffered; called on shutdown. */
export async function stopTracing(): Promise<void> {
  await provider?.shutdown();
  provider = undefined;
}

/** The active span's context as a carrier, or undefined when there is none (tracing off). */
export function currentTraceCarrier(): TraceCarrier | undefined {
  const carrier: Partial<TraceCarrier> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent ? (carrier as TraceCarrier) : undefined;
}

const contextOf = (carrier: TraceCarrier | undefined): Context =>
  carrier ? propagation.extract(context.active(), carrier) : context.active();

export interface SpanOptions {
  kind?: SpanKind;
  attributes?: Attributes;
  /** Where the work came from in another process (job data, stream entry): the span's parent. */
  parent?: TraceCarrier;
  /** Other contributors, e.g. the batches coalesced into one publish. */
  links?: readonly TraceCarrier[];
}

function startSpan(name: string, options: SpanOptions): { span: Span; active: Context } {
  const links: Link[] = (options.links ?? [])
    .map((carrier) => ({ context: trace.getSpanContext(contextOf(carrier)) }))
    .filter((link): link is Link => link.context !== undefined);
  const parent = contextOf(options.parent);
  const span = trace
    .getTracer(TRACER)
    .startSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes, links }, parent);
  return { span, active: trace.setSpan(parent, span) };
}

function fail(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}

/**
 * Runs `work` inside a span named `name`: active for everything `work` awaits, ended when it
 * settles, marked as an error (with the exception) when it throws.
 */
export async function inSpan<T>(name: string, options: SpanOptions, work: (span: Span) => Promise<T>): Promise<T> {
  const { span, active } = startSpan(name, options);
  try {
    return await context.with(active, () => work(span));
  } catch (error) {
    fail(span, error);
    throw error;
  } finally {
    span.end();
  }
}

/** inSpan for synchronous work (an emit): the span ends when `work` returns. */
export function inSpanSync<T>(name: string, options: SpanOptions, work: (span: Span) => T): T {
  const { span, active } = startSpan(name, options);
  try {
    return context.with(active, () => work(span));
  } catch (error) {
    fail(span, error);
    throw error;
  } finally {
    span.end();
  }
}
