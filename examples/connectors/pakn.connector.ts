/**
 * Worked example (docs/connectors.md): a connector for a citizen-feedback portal (PAKN)
 * written by an integrator, in one file, with no change to the core. Run it by listing this
 * file's compiled path in CONNECTOR_MODULES; test it with the conformance kit
 * (test/connectors/example-connector.conformance.spec.ts).
 */
import { IsInt, IsString, IsUrl, Max, Min, MinLength } from 'class-validator';
import {
  Connector,
  SourceError,
  buildEvent,
  field,
  readUpdatedSince,
  type CheckContext,
  type CheckResult,
  type ReadBatch,
  type ReadContext,
  type StreamDefinition,
} from '@ioc/connector-sdk';

/** 1. The config schema: validated when a source is created; bad fields are named in the error. */
export class PaknConfig {
  @IsUrl({ require_tld: false, require_protocol: true })
  baseUrl!: string;

  @IsInt()
  @Min(1)
  @Max(500)
  pageSize: number = 100;
}

/** 2. The credentials schema: stored encrypted, handed to check and read decrypted. */
export class PaknCredentials {
  @IsString()
  @MinLength(8)
  token!: string;
}

export class PaknConnector extends Connector<PaknConfig, PaknCredentials> {
  /** 3. Identity, schemas and default schedule. */
  readonly spec = {
    id: 'pakn-portal',
    version: '1.0.0',
    displayName: 'Cổng phản ánh kiến nghị (PAKN)',
    configSchema: PaknConfig,
    credentialsSchema: PaknCredentials,
    defaultSchedule: 'every:300000',
  };

  /** 4. The streams and how their cursors work. */
  discover(): StreamDefinition[] {
    return [
      {
        name: 'complaints',
        description: 'Dossiers citizens complained about, by unit (one event per dossier)',
        cursor: { mode: 'incremental', cursorField: 'updatedAt' },
        kinds: ['dossier.complained'],
      },
    ];
  }

  /** 5. check: prove the credentials and the network work, and say which failed. */
  async check({ config, credentials, http }: CheckContext<PaknConfig, PaknCredentials>): Promise<CheckResult> {
    try {
      await http.json(`${config.baseUrl}/dvc/api/v1/feedback`, {
        headers: { authorization: `Bearer ${credentials.token}` },
        query: { pageSize: 1 },
      });
      return { ok: true };
    } catch (error) {
      if (error instanceof SourceError) return { ok: false, kind: error.kind, message: error.message };
      throw error;
    }
  }

  /** 6. read: page by page from the stored cursor; each record mapped to events with a stable key. */
  read(context: ReadContext<PaknConfig, PaknCredentials>): AsyncIterable<ReadBatch> {
    return readUpdatedSince({
      context: context as ReadContext<unknown, unknown>,
      url: `${context.config.baseUrl}/dvc/api/v1/feedback`,
      headers: { authorization: `Bearer ${context.credentials.token}` },
      pageSize: context.config.pageSize,
      cursorField: 'updatedAt',
      // The 766 satisfaction share counts dossiers with complaints: keyed by the dossier, a second complaint adds nothing.
      map: (record) => {
        const dossier = field.optionalString(record, 'MaHoSo');
        if (field.string(record, 'LoaiPhanAnh') !== 'KHIEU_NAI' || dossier === null) return [];
        return [
          buildEvent(context, {
            key: [dossier, 'complained'],
            unitCode: field.string(record, 'MaDonVi'),
            occurredAt: field.instant(record, 'NgayGui').iso,
            kind: 'dossier.complained',
            kindClass: 'fact',
            values: { count: 1 },
          }),
        ];
      },
    });
  }
}

/** 7. Register: the runtime loads this export from every module listed in CONNECTOR_MODULES. */
export const connector = new PaknConnector();
