/** Catalog resolvers: wiring from GraphQL to the listing and the loaders, nothing more. */
import { GraphQLError } from 'graphql';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import type { Knex } from 'knex';
import { INSTRUMENT_CLASSES, instrumentClassInfo, type InstrumentClassKey } from '../../schema/classes.ts';
import { dateTimeScalar, decimalScalar } from '../../schema/scalars.ts';
import { instrumentTypeName } from '../../connectors/sdk/source-id.ts';
import { decodeCursor, encodeCursor, pageSize } from './cursor.ts';
import { listAvailableInstruments, listInstruments, listingRequest, type InstrumentPage, type InstrumentSort } from './listing.ts';
import type { TextQuery } from './search/text-query.ts';
import type { InstrumentFilterInput } from './instrument-filter.ts';
import type { OwnerCalendar } from './search/availability.ts';
import { explainMatch, explainedRecord } from './search/match-explanation.ts';
import { searchPhrases } from './search/search-phrases.ts';
import { instrumentTypeByKey } from '../../schema/instrument-types.ts';
import type { CatalogLoaders } from './loaders.ts';
import type { InstitutionRow, InstrumentRow } from './rows.ts';

export interface CatalogContext {
  loaders: CatalogLoaders;
}

const MAX_INSTITUTION_PAGE = 200;

const instrumentFields = {
  __resolveReference: (reference: { id: string }, context: CatalogContext) => context.loaders.instrument.load(reference.id),
  localId: (row: InstrumentRow) => row.local_id,
  sourceId: (row: InstrumentRow) => row.source_id,
  nameEn: (row: InstrumentRow) => row.name_en,
  instrumentClass: (row: InstrumentRow) => row.instrument_class,
  instrumentClassInfo: (row: InstrumentRow) => instrumentClassInfo(row.instrument_class as InstrumentClassKey),
  classCode: (row: InstrumentRow) => row.class_code ?? instrumentClassInfo(row.instrument_class as InstrumentClassKey).code,
  classInferred: (row: InstrumentRow) => row.class_inferred,
  ownerCategory: (row: InstrumentRow) => row.owner_category,
  originalValue: (row: InstrumentRow) => row.original_value,
  purchaseDate: (row: InstrumentRow) => (row.purchase_date instanceof Date ? row.purchase_date.toISOString().slice(0, 10) : row.purchase_date),
  institution: async (row: InstrumentRow, _args: unknown, context: CatalogContext) => {
    const institution = await context.loaders.institution.load(row.institution_id);
    if (!institution) throw new GraphQLError(`institution ${row.institution_id} of instrument ${row.id} is missing`);
    return institution;
  },
  declaredStatus: (row: InstrumentRow) => row.declared_status,
  externalRate: (row: InstrumentRow) => row.external_rate,
  internalRate: (row: InstrumentRow) => row.internal_rate,
  contact: (row: InstrumentRow) => (row.contact_name || row.contact_phone || row.contact_email
    ? { name: row.contact_name, phone: row.contact_phone, email: row.contact_email }
    : null),
  extra: (row: InstrumentRow) => Object.entries(row.extra ?? {}).map(([key, value]) => ({ key, value: String(value) })),
  harvestedAt: (row: InstrumentRow) => row.harvested_at,
  instrumentTypes: (row: InstrumentRow) => row.type_keys.map((key) => instrumentTypeByKey(key)).filter(Boolean),
};

function instrumentConnection(page: InstrumentPage, text: TextQuery | null) {
  return {
    totalCount: page.totalCount,
    totalCountExact: page.totalCountExact,
    edges: page.rows.map((node, i) => ({
      node, cursor: page.cursors[i], score: page.scores[i], distanceKm: page.distances[i], nextFreeSlot: page.freeFrom[i],
      matchedBy: () => (text ? explainMatch(text, explainedRecord(node)) : null),
    })),
    facets: page.facets,
    recognizedTypes: text ? text.typeKeys.map((key) => instrumentTypeByKey(key)) : [],
    searchUnits: text ? text.units.map((u) => ({ text: u.label, forms: u.alternatives.map((a) => a.join(' ').replace(/\*/g, '…')), required: !u.generic })) : [],
    pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.cursors.at(-1) ?? null },
  };
}

export function catalogResolvers(db: Knex, sourceIds: readonly string[], ownerCalendar: OwnerCalendar): GraphQLResolverMap<CatalogContext> {
  const sourceTypes = Object.fromEntries(sourceIds.map((id) => [instrumentTypeName(id), instrumentFields]));
  const phrases = searchPhrases(db);
  return {
    DateTime: dateTimeScalar,
    Decimal: decimalScalar,
    Query: {
      instruments: async (_root, args: { filter?: InstrumentFilterInput | null; first?: number | null; after?: string | null; sort?: InstrumentSort | null }) => {
        const filter = args.filter ?? {};
        const request = listingRequest(filter, filter.text ? await phrases() : undefined);
        const page = filter.availableFrom
          ? await listAvailableInstruments(db, request, args.first, args.after, sourceIds, args.sort ?? 'RELEVANCE', ownerCalendar)
          : await listInstruments(db, request, args.first, args.after, sourceIds, args.sort ?? 'RELEVANCE');
        return instrumentConnection(page, request.text);
      },
      instrument: (_root, args: { id: string }, context: CatalogContext) => context.loaders.instrument.load(args.id),
      institutions: async (_root, args: { first?: number | null; after?: string | null }) => {
        const limit = pageSize(args.first, MAX_INSTITUTION_PAGE, 50);
        const cursor = args.after ? decodeCursor(args.after) : null;
        if (cursor && !('after' in cursor)) throw new GraphQLError('after: cursor does not belong to this listing', { extensions: { code: 'BAD_USER_INPUT' } });
        const listed = db('institutions').whereExists(db('instruments').whereRaw('instruments.institution_id = institutions.id').whereIn('source_id', [...sourceIds]));
        const pageQuery = listed.clone().orderBy('id').limit(limit + 1);
        if (cursor) pageQuery.where('id', '>', cursor.after);
        const [rows, count] = await Promise.all([pageQuery as Promise<InstitutionRow[]>, listed.clone().count<{ count: string }[]>({ count: '*' })]);
        const page = rows.slice(0, limit);
        const cursors = page.map((r) => encodeCursor({ after: r.id }));
        return {
          totalCount: Number(count[0]?.count ?? 0),
          edges: page.map((node, i) => ({ node, cursor: cursors[i] })),
          pageInfo: { hasNextPage: rows.length > limit, endCursor: cursors.at(-1) ?? null },
        };
      },
      institution: (_root, args: { id: string }, context: CatalogContext) => context.loaders.institution.load(args.id),
      instrumentClasses: () => INSTRUMENT_CLASSES,
    },
    Instrument: {
      // hub subgraphs (procurement…) refer to instruments through the interface (@interfaceObject)
      __resolveReference: instrumentFields.__resolveReference,
      __resolveType: (row: InstrumentRow) => instrumentTypeName(row.source_id),
    },
    ServiceAgency: {
      // agencies are the leasing subgraph's; the catalog lists what they host
      __resolveReference: (reference: { id: string }) => reference,
      hostedInstruments: async (agency: { id: string }, args: { first?: number | null; after?: string | null }) =>
        instrumentConnection(await listInstruments(db, listingRequest({ hostedBy: agency.id }), args.first, args.after, sourceIds, 'ID'), null),
    },
    Institution: {
      __resolveReference: (reference: { id: string }, context: CatalogContext) => context.loaders.institution.load(reference.id),
      sourceIds: (row: InstitutionRow, _args: unknown, context: CatalogContext) => context.loaders.institutionSources.load(row.id),
      instrumentCount: (row: InstitutionRow, _args: unknown, context: CatalogContext) => context.loaders.institutionInstrumentCount.load(row.id),
    },
    ...sourceTypes,
  } as GraphQLResolverMap<CatalogContext>;
}
