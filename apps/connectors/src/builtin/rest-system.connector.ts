import { IsInt, IsString, IsUrl, Max, Min, MinLength } from 'class-validator';
import {
  Connector,
  SourceError,
  readUpdatedSince,
  type CheckContext,
  type CheckResult,
  type ConnectorSpec,
  type ReadBatch,
  type ReadContext,
  type StreamDefinition,
} from '@ioc/connector-sdk';

/** Where a REST source system answers and how big its pages are. */
export class RestSystemConfig {
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  baseUrl!: string;

  @IsInt()
  @Min(1)
  @Max(500)
  pageSize = 200;
}

/** Bearer token issued by the source system. */
export class BearerCredentials {
  @IsString()
  @MinLength(8)
  token!: string;
}

export interface RestStream extends StreamDefinition {
  /** Path of the collection under baseUrl, e.g. "/dvc/api/v1/dossiers". */
  path: string;
  /** Record → candidate events; `context` carries sourceId and stream for the keys. */
  map: (record: unknown, context: ReadContext<RestSystemConfig, BearerCredentials>) => unknown[];
}

/**
 * Shared shape of the built-in connectors: a REST system with bearer auth whose collections
 * are read by `updatedSince` cursor. Each system declares its streams and their mappings.
 */
export abstract class RestSystemConnector extends Connector<RestSystemConfig, BearerCredentials> {
  protected abstract readonly streams: RestStream[];
  abstract override readonly spec: ConnectorSpec<RestSystemConfig, BearerCredentials>;

  discover(): StreamDefinition[] {
    return this.streams.map(({ name, description, cursor, kinds }) => ({ name, description, cursor, kinds }));
  }

  async check({ config, credentials, http }: CheckContext<RestSystemConfig, BearerCredentials>): Promise<CheckResult> {
    try {
      await http.json(this.url(config, this.streams[0]!), { headers: this.headers(credentials), query: { pageSize: 1 } });
      return { ok: true };
    } catch (error) {
      if (error instanceof SourceError) return { ok: false, kind: error.kind, message: error.message };
      throw error;
    }
  }

  read(context: ReadContext<RestSystemConfig, BearerCredentials>): AsyncIterable<ReadBatch> {
    const stream = this.streams.find((s) => s.name === context.stream);
    if (!stream) throw new Error(`${this.spec.id} has no stream "${context.stream}"`);
    return readUpdatedSince({
      context: context as ReadContext<unknown, unknown>,
      url: this.url(context.config, stream),
      headers: this.headers(context.credentials),
      pageSize: context.config.pageSize,
      cursorField: 'updatedAt',
      map: (record) => stream.map(record, context),
    });
  }

  private url(config: RestSystemConfig, stream: RestStream): string {
    return `${config.baseUrl.replace(/\/$/, '')}${stream.path}`;
  }

  private headers(credentials: BearerCredentials): Record<string, string> {
    return { authorization: `Bearer ${credentials.token}` };
  }
}

export const incremental = { mode: 'incremental', cursorField: 'updatedAt' } as const;
