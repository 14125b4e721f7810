export * from './api-key';
export * from './credential-cipher';
export * from './password';
export * from './credentials-key';
