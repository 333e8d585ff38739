/**
 * The catalog subgraph's SDL. It owns the `Instrument` entity interface and, because
 * federation routes entities by type, one implementing type per source, generated from the
 * registry: `<Name>Instrument implements Instrument` whose `live` is external, resolved by
 * that source's connector.
 */
import { readFileSync } from 'node:fs';
import { FEDERATION_LINK } from '../../connectors/sdk/serve-connector.ts';
import { instrumentTypeDescription, instrumentTypeName } from '../../connectors/sdk/source-id.ts';

const INVENTORY_SDL = readFileSync(new URL('../../schema/inventory.graphql', import.meta.url), 'utf8');
const LIVE_STATUS_SDL = readFileSync(new URL('../../schema/live-status.graphql', import.meta.url), 'utf8');
const CATALOG_SDL = readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8');

/** Fields of every instrument, shared by the interface and each source's type. */
const INSTRUMENT_FIELDS = `
  "\\"<sourceId>:<localId>\\", globally unique"
  id: ID!
  "the owner's own asset or instrument number"
  localId: String!
  sourceId: String!
  name: String!
  nameEn: String
  model: String
  manufacturer: String
  country: String
  instrumentClass: InstrumentClass!
  instrumentClassInfo: InstrumentClassInfo!
  "the national six-digit class code (仪器分类编码), as specific as the owner gave or the hub inferred, e.g. \\"010102\\""
  classCode: String
  "true when the owner gave no class, or one the national list does not know, and the hub inferred it"
  classInferred: Boolean!
  "the owner's own category text, as written"
  ownerCategory: String
  "yuan"
  originalValue: Decimal
  "YYYY-MM-DD"
  purchaseDate: String
  institution: Institution!
  district: String
  address: String
  sharing: SharingMode!
  declaredStatus: DeclaredStatus!
  "yuan per hour for users of other institutions"
  externalRate: Decimal
  "yuan per hour for the owner's own users"
  internalRate: Decimal
  contact: Contact
  "主要技术指标"
  specs: String
  "主要功能"
  functions: String
  "owner columns with no canonical meaning, as key/value pairs"
  extra: [ExtraSpec!]!
  "the thesaurus types recognised in its name"
  instrumentTypes: [InstrumentTypeInfo!]!
  "when a harvest last found this record new or changed (a harvest that finds it as it was leaves it as it is)"
  harvestedAt: DateTime!`;

export function catalogTypeDefs(sourceIds: readonly string[]): string {
  const sourceTypes = sourceIds.map((id) => `
"${instrumentTypeDescription(id)}"
type ${instrumentTypeName(id)} implements Instrument @key(fields: "id") {${INSTRUMENT_FIELDS}
  live: LiveStatus @external
}`).join('\n');
  return `${FEDERATION_LINK}
${LIVE_STATUS_SDL}
${INVENTORY_SDL}
${CATALOG_SDL}
"仪器: a large instrument listed by one source (the owner's own system)"
interface Instrument @key(fields: "id") {${INSTRUMENT_FIELDS}
  "live state from the owner's own system, via its connector"
  live: LiveStatus
}
${sourceTypes}
`;
}
