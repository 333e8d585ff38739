/**
 * @irhub/connector-sdk: what an institution needs to put its equipment system behind the hub —
 * the adapter contract, the server that turns an adapter into the connector the hub calls, and
 * the conformance kit, in-process and over HTTP.
 */
export type {
  ConnectorAdapter, SourceRecord, UnreadableRecord, ListRequest, SourcePage, BusyInterval, LiveStateKey,
  LiveStatusRecord, BookingWrite, UsageRecord,
} from './contract.ts';
export { ConnectorError } from './contract.ts';
export { CANONICAL_FIELDS, CANONICAL_FIELD_NAMES, isCanonicalField, type CanonicalField } from './fields.ts';
export type { NormalizeDefaults, CanonicalInstrument, FieldProblem } from './canonical.ts';
export { serveConnector, connectorTypeDefs, type ServeConnectorOptions, type ServedConnector, type ConnectorContext, type HarvestPage } from './serve-connector.ts';
export { checkConformance, type ConformanceOptions, type ConformanceReport, type ConformanceCheck } from './conformance.ts';
export { checkServedConnector, formatConformanceReport, type ServedConformanceOptions } from './served-conformance.ts';
export { newSourceSecret, SIGNATURE_HEADER } from './hub-credential.ts';
export { instrumentTypeName, instrumentId, checkSourceId } from './source-id.ts';
