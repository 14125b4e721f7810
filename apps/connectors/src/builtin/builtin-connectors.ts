import type { Connector } from '@ioc/connector-sdk';
import { DvcConnector } from './dvc.connector';
import { EducationSystemConnector } from './education-system.connector';
import { GenericHttpConnector } from './generic-http.connector';
import { HealthSystemConnector } from './health-system.connector';
import { IOfficeConnector } from './ioffice.connector';

/** Connectors shipped with the core; integrators add theirs through CONNECTOR_MODULES. */
export const builtinConnectors = (): Connector[] => [
  new IOfficeConnector(),
  new DvcConnector(),
  new HealthSystemConnector(),
  new EducationSystemConnector(),
  new GenericHttpConnector(),
];
