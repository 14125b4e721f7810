import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  ValidateBy,
  ValidateNested,
  type ValidationOptions,
} from 'class-validator';
import jsonata from 'jsonata';
import {
  Connector,
  SourceError,
  buildEvent,
  readUpdatedSince,
  type CheckContext,
  type CheckResult,
  type ReadBatch,
  type ReadContext,
  type StreamDefinition,
} from '@ioc/connector-sdk';

const IsJsonata = (options?: ValidationOptions): PropertyDecorator =>
  ValidateBy(
    {
      name: 'isJsonata',
      validator: {
        validate: (value: unknown) => {
          if (typeof value !== 'string') return false;
          try {
            jsonata(value);
            return true;
          } catch {
            return false;
          }
        },
        defaultMessage: () => '$property must be a valid JSONata expression',
      },
    },
    options,
  );

export class GenericAuthConfig {
  /** "bearer": Authorization: Bearer <token>; "header": <headerName>: <token>; "none". */
  @IsIn(['bearer', 'header', 'none'])
  type: 'bearer' | 'header' | 'none' = 'bearer';

  @IsOptional()
  @Matches(/^[A-Za-z0-9-]{1,64}$/)
  headerName?: string;
}

export class GenericStreamConfig {
  @Matches(/^[a-z][a-z0-9-]{0,63}$/, { message: 'name must be lower-case letters, digits and "-"' })
  name!: string;

  /** Path of the collection under baseUrl. */
  @Matches(/^\//, { message: 'path must start with "/"' })
  path!: string;

  @IsIn(['cursor', 'page'])
  paging: 'cursor' | 'page' = 'cursor';

  @IsString() cursorField = 'updatedAt';
  @IsString() sinceParam = 'updatedSince';
  @IsString() pageParam = 'page';
  @IsString() pageSizeParam = 'pageSize';
  @IsString() itemsField = 'data';
  @IsString() hasMoreField = 'hasMore';

  @IsInt() @Min(1) @Max(1000) pageSize = 200;

  /**
   * JSONata from one record to one event or an array of them, each
   * { key, unitCode, occurredAt, kind, kindClass, values, attributes? }; `key` (string or array)
   * identifies the fact and becomes the idempotency key.
   */
  @IsJsonata()
  mapping!: string;
}

export class GenericHttpConfig {
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  baseUrl!: string;

  @ValidateNested()
  @Type(() => GenericAuthConfig)
  auth: GenericAuthConfig = new GenericAuthConfig();

  @ValidateNested({ each: true })
  @ArrayMinSize(1)
  @Type(() => GenericStreamConfig)
  streams!: GenericStreamConfig[];
}

export class GenericHttpCredentials {
  @IsOptional()
  @IsString()
  token?: string;
}

interface MappedDraft {
  key?: unknown;
  [field: string]: unknown;
}

/**
 * Any JSON-over-HTTP collection, configured by data alone: URL, auth, paging style, cursor
 * field and a JSONata mapping from records to events. No code per source.
 */
export class GenericHttpConnector extends Connector<GenericHttpConfig, GenericHttpCredentials> {
  readonly spec = {
    id: 'generic-http',
    version: '1.0.0',
    displayName: 'Generic HTTP/JSON (configured by data)',
    configSchema: GenericHttpConfig,
    credentialsSchema: GenericHttpCredentials,
    defaultSchedule: 'every:60000',
  };

  discover(config: GenericHttpConfig): StreamDefinition[] {
    return config.streams.map((stream) => ({
      name: stream.name,
      description: `GET ${stream.path}`,
      cursor: { mode: 'incremental', cursorField: stream.cursorField },
      kinds: [],
    }));
  }

  async check({ config, credentials, http }: CheckContext<GenericHttpConfig, GenericHttpCredentials>): Promise<CheckResult> {
    const stream = config.streams[0]!;
    try {
      await http.json(this.url(config, stream), { headers: this.headers(config, credentials), query: { [stream.pageSizeParam]: 1 } });
      return { ok: true };
    } catch (error) {
      if (error instanceof SourceError) return { ok: false, kind: error.kind, message: error.message };
      throw error;
    }
  }

  read(context: ReadContext<GenericHttpConfig, GenericHttpCredentials>): AsyncIterable<ReadBatch> {
    const stream = context.config.streams.find((s) => s.name === context.stream);
    if (!stream) throw new Error(`generic-http source has no stream "${context.stream}"`);
    const expression = jsonata(stream.mapping);
    return readUpdatedSince({
      context: context as ReadContext<unknown, unknown>,
      url: this.url(context.config, stream),
      headers: this.headers(context.config, context.credentials),
      pageSize: stream.pageSize,
      cursorField: stream.cursorField,
      paging: stream.paging,
      params: { since: stream.sinceParam, page: stream.pageParam, pageSize: stream.pageSizeParam },
      itemsField: stream.itemsField,
      hasMoreField: stream.hasMoreField,
      map: async (record) => {
        const mapped: unknown = await expression.evaluate(record);
        if (mapped === undefined || mapped === null) return [];
        return (Array.isArray(mapped) ? mapped : [mapped]).map((draft: MappedDraft) => {
          const { key, ...rest } = draft;
          if (key === undefined || key === null || key === '') throw new Error('the mapping gave an event without "key"');
          const parts = (Array.isArray(key) ? key : [key]).map(String);
          const event = buildEvent(context, { key: parts, unitCode: '', occurredAt: '', kind: '', kindClass: 'fact', values: {} });
          // The draft's own fields win, so a malformed mapping result reaches validation as it is.
          return {
            ...rest,
            idempotencyKey: event.idempotencyKey,
            sourceId: event.sourceId,
            stream: event.stream,
            attributes: rest.attributes ?? {},
          };
        });
      },
    });
  }

  private url(config: GenericHttpConfig, stream: GenericStreamConfig): string {
    return `${config.baseUrl.replace(/\/$/, '')}${stream.path}`;
  }

  private headers(config: GenericHttpConfig, credentials: GenericHttpCredentials): Record<string, string> {
    if (config.auth.type === 'none' || !credentials.token) return {};
    if (config.auth.type === 'header') return { [config.auth.headerName ?? 'x-api-key']: credentials.token };
    return { authorization: `Bearer ${credentials.token}` };
  }
}
