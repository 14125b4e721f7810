import { Injectable } from '@nestjs/common';
import { ConnectorRegistry, HttpClient, validateAgainstSchema, type Connector } from '@ioc/connector-sdk';
import type { Source } from '@ioc/persistence';
import { CredentialCipher, resolveCredentialsKey } from '@ioc/security';
import { ConnectorsConfig } from '../config/connectors-config';

export interface ResolvedSource {
  connector: Connector;
  config: object;
  credentials: object;
  http: HttpClient;
}

/**
 * Turns a sources row into what a connector needs: its validated config, decrypted
 * credentials and the source's HTTP client (one per source, so its circuit breaker
 * remembers failures across pulls).
 */
@Injectable()
export class SourceContextService {
  private readonly clients = new Map<string, HttpClient>();
  private readonly cipher: CredentialCipher;

  constructor(
    private readonly registry: ConnectorRegistry,
    private readonly config: ConnectorsConfig,
  ) {
    this.cipher = new CredentialCipher(resolveCredentialsKey(config.CREDENTIALS_KEY, config.CREDENTIALS_KEY_FILE));
  }

  resolve(source: Source): ResolvedSource {
    const connector = this.registry.get(source.connectorType);
    const plainCredentials = source.credentialsEncrypted ? this.cipher.decryptJson<unknown>(source.credentialsEncrypted) : {};
    return {
      connector,
      config: validateAgainstSchema(connector.spec.configSchema, source.config, 'config'),
      credentials: validateAgainstSchema(connector.spec.credentialsSchema, plainCredentials, 'credentials'),
      http: this.httpFor(source.id),
    };
  }

  decryptCredentials<T>(source: Source): T {
    if (!source.credentialsEncrypted) throw new Error(`source ${source.id} has no credentials`);
    return this.cipher.decryptJson<T>(source.credentialsEncrypted);
  }

  encryptCredentials(credentials: unknown): string {
    return this.cipher.encryptJson(credentials);
  }

  private httpFor(sourceId: string): HttpClient {
    let client = this.clients.get(sourceId);
    if (!client) {
      client = new HttpClient({
        timeoutMs: this.config.CONNECTOR_HTTP_TIMEOUT_MS,
        maxAttempts: this.config.CONNECTOR_HTTP_MAX_ATTEMPTS,
        backoffInitialMs: this.config.CONNECTOR_BACKOFF_INITIAL_MS,
        backoffMaxMs: this.config.CONNECTOR_BACKOFF_MAX_MS,
        breakerThreshold: this.config.CONNECTOR_BREAKER_THRESHOLD,
        breakerHalfOpenAfterMs: this.config.CONNECTOR_BREAKER_HALF_OPEN_MS,
      });
      this.clients.set(sourceId, client);
    }
    return client;
  }
}
