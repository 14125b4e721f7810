import { Inject, Injectable } from '@nestjs/common';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { IngestHeader, type IngestEventResult, type IngestResponse, type NormalizedEvent } from '@ioc/contracts';
import { validateAgainstSchema, type RefusedRecord } from '@ioc/connector-sdk';
import { validateEvent } from '@ioc/indicators';
import { inSpan, SpanKind, type RedisClient } from '@ioc/platform';
import { PrismaService } from '@ioc/persistence';
import { REDIS_CLIENT } from '@ioc/queues';
import { ConnectorsConfig } from '../config/connectors-config';
import { connectorsRedisKeys } from '../redis-keys';
import { EventRulesService } from '../event-rules/event-rules.service';
import { RequestAuthenticationError, SourceNotFoundError, SourceRequestError } from '../errors/domain-errors';
import { EventPublisherService } from '../sync/event-publisher.service';
import { SourceContextService } from '../sync/source-context.service';
import { IngestRequestDto } from './dto/ingest-request.dto';
import { PUSH_CONNECTOR_TYPE, PushCredentials } from './push-credentials';

export interface SignedRequest {
  signature: string | undefined;
  timestamp: string | undefined;
  rawBody: Buffer | undefined;
  body: unknown;
}

const SIGNING_HELP = `sign "<timestamp>.<raw body>" with HMAC-SHA256 and the source's secret; send ${IngestHeader.Signature}: sha256=<hex> and ${IngestHeader.Timestamp}: <Unix seconds>`;

/**
 * Push ingestion: verifies the HMAC signature and timestamp, refuses replays (each signature
 * is accepted once within the allowed clock skew), then judges every event by the aggregator's
 * own rule: valid events are queued in batches, the others dead-lettered with the reason, and the
 * answer gives the verdict on each event.
 */
@Injectable()
export class IngestService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly sources: SourceContextService,
    private readonly publisher: EventPublisherService,
    private readonly eventRules: EventRulesService,
    private readonly config: ConnectorsConfig,
    @Inject(REDIS_CLIENT) private readonly redis: RedisClient,
  ) {}

  ingest(sourceId: string, request: SignedRequest): Promise<IngestResponse> {
    return inSpan('ingest.push', { kind: SpanKind.SERVER, attributes: { 'ioc.source_id': sourceId } }, (span) =>
      this.ingestInSpan(sourceId, request).then((response) => {
        span.setAttributes({ 'ioc.events.accepted': response.accepted, 'ioc.events.dead_lettered': response.deadLettered });
        return response;
      }),
    );
  }

  private async ingestInSpan(sourceId: string, request: SignedRequest): Promise<IngestResponse> {
    const source = await this.prisma.source.findUnique({ where: { id: sourceId } });
    if (!source) throw new SourceNotFoundError(sourceId);
    if (source.connectorType !== PUSH_CONNECTOR_TYPE)
      throw new SourceRequestError(`source ${sourceId} is a "${source.connectorType}" source, not a push source`);
    if (!source.enabled) throw new SourceRequestError(`source ${sourceId} is disabled`);
    const { hmacSecret } = validateAgainstSchema(PushCredentials, this.sources.decryptCredentials(source), 'credentials');
    await this.authenticate(sourceId, hmacSecret, request);

    const payload = validateAgainstSchema(IngestRequestDto, request.body, 'ingest request', { shallow: true });
    const rules = await this.eventRules.rules();
    const accepted: NormalizedEvent[] = [];
    const refused: RefusedRecord[] = [];
    const results: IngestEventResult[] = payload.events.map((candidate, index) => {
      const filled =
        typeof candidate === 'object' && candidate !== null && !Array.isArray(candidate)
          ? { sourceId, stream: payload.stream, ...candidate }
          : candidate;
      const verdict = validateEvent(filled, rules);
      const refusal = !verdict.ok
        ? { reason: verdict.reason, fields: verdict.fields }
        : verdict.event.sourceId !== sourceId || verdict.event.stream !== payload.stream
          ? { reason: 'event names another source or stream than the request', fields: ['sourceId', 'stream'] }
          : null;
      if (refusal) {
        refused.push({ raw: candidate, ...refusal });
        return { index, status: 'rejected', ...refusal };
      }
      const event = (verdict as { event: NormalizedEvent }).event;
      accepted.push(event);
      return { index, status: 'accepted', idempotencyKey: event.idempotencyKey };
    });
    await this.publisher.publish(sourceId, payload.stream, accepted);
    await this.publisher.deadLetter(sourceId, payload.stream, refused, 'ingest');
    return { accepted: accepted.length, deadLettered: refused.length, results };
  }

  private async authenticate(sourceId: string, secret: string, { signature, timestamp, rawBody }: SignedRequest): Promise<void> {
    if (!timestamp || !/^\d{1,12}$/.test(timestamp)) {
      throw new RequestAuthenticationError(`missing or malformed ${IngestHeader.Timestamp} header (Unix seconds): ${SIGNING_HELP}`);
    }
    const skew = Math.abs(Date.now() / 1000 - Number(timestamp));
    if (skew > this.config.INGEST_MAX_SKEW_S) {
      throw new RequestAuthenticationError(
        `${IngestHeader.Timestamp} is ${Math.round(skew)} s away from the server clock (at most ${this.config.INGEST_MAX_SKEW_S} s): stale or replayed request refused`,
      );
    }
    if (!signature || !/^sha256=[0-9a-f]{64}$/.test(signature)) {
      throw new RequestAuthenticationError(`missing or malformed ${IngestHeader.Signature} header: ${SIGNING_HELP}`);
    }
    const expected = createHmac('sha256', secret)
      .update(`${timestamp}.`)
      .update(rawBody ?? Buffer.alloc(0))
      .digest();
    if (!timingSafeEqual(expected, Buffer.from(signature.slice('sha256='.length), 'hex'))) {
      throw new RequestAuthenticationError(`signature does not match the body and timestamp: ${SIGNING_HELP}`);
    }
    const seen = connectorsRedisKeys(this.config.REDIS_PREFIX).ingestReplay(sourceId, signature.slice('sha256='.length));
    const first = await this.redis.set(seen, '1', 'EX', this.config.INGEST_MAX_SKEW_S * 2, 'NX');
    if (first === null) throw new RequestAuthenticationError('replayed request refused: this signature was already accepted once');
  }
}
