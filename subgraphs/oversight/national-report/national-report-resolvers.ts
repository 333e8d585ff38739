/**
 * `nationalReport` and `recordedUse` of the oversight subgraph: who may read them (the centre
 * every institution's, staff their own institution's — the service records name applicants),
 * paging, and the rows as the graph gives them.
 */
import { GraphQLError } from 'graphql';
import type { Knex } from 'knex';
import { requireRole, type HubClaims } from '../../auth/hub-claims.ts';
import { importCompletedBookings } from '../../usage/completed-bookings.ts';
import { mismatchText } from '../declared-hours.ts';
import { equipmentCount, equipmentPage, type EquipmentRow } from './equipment-rows.ts';
import { applicantInstitutionsOf, applicantsOf, EQUIPMENT_COLUMNS, equipmentCells, SERVICE_RECORD_COLUMNS, serviceAmount, serviceRecordCells, type Cell } from './national-columns.ts';
import { recordedUse } from './recorded-use.ts';
import { reportScope, ReportScopeError, type ReportScope } from './report-scope.ts';
import { serviceRecordPage, type ServiceCursor, type ServiceRecord } from './service-records.ts';

export const MAX_REPORT_PAGE = 5000;

const badInput = (message: string, field: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', field } });

/** The institution whose report the caller may read: staff only their own. */
function readableInstitution(claims: HubClaims | null, asked: string | null | undefined, action: string): string | null {
  const who = requireRole(claims, ['INSTITUTION_STAFF', 'REVIEWER', 'ADMIN'], action);
  if (who.role !== 'INSTITUTION_STAFF') return asked ?? null;
  if (asked && asked !== who.institutionId) {
    throw new GraphQLError(`institution staff read only their own institution's report (${who.institutionId})`, { extensions: { code: 'FORBIDDEN' } });
  }
  return who.institutionId ?? '';
}

function scopeOf(input: { year: number; institutionId: string | null; tolerance: number }, now: Date): ReportScope {
  try {
    return reportScope(input, now);
  } catch (error) {
    if (error instanceof ReportScopeError) throw badInput(error.message, error.field);
    throw error;
  }
}

function checkFirst(first: number) {
  if (!Number.isInteger(first) || first < 1 || first > MAX_REPORT_PAGE) throw badInput(`first: between 1 and ${MAX_REPORT_PAGE}, got ${first}`, 'first');
}

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
function decode<T>(after: string | null | undefined, valid: (value: unknown) => value is T, what: string): T | null {
  if (!after) return null;
  try {
    const value = JSON.parse(Buffer.from(after, 'base64url').toString('utf8')) as unknown;
    if (valid(value)) return value;
  } catch { /* reported below */ }
  throw badInput(`after: not a cursor of ${what}`, 'after');
}
const isEquipmentCursor = (v: unknown): v is { id: string } => typeof (v as { id?: unknown } | null)?.id === 'string';
const isServiceCursor = (v: unknown): v is { i: string; t: string } =>
  typeof (v as { i?: unknown } | null)?.i === 'string' && typeof (v as { t?: unknown }).t === 'string' && !Number.isNaN(Date.parse((v as { t: string }).t));

const cellText = (cell: Cell) => (cell === null || cell === '' ? null : String(cell));

export function nationalReportResolvers(db: Knex, defaultTolerance: number) {
  return {
    Query: {
      nationalReport: async (_root: unknown, args: { year: number; institutionId?: string | null; tolerance?: number | null }, context: { claims: HubClaims | null; now: Date }) => {
        const institutionId = readableInstitution(context.claims, args.institutionId, 'reading the national report');
        const scope = scopeOf({ year: args.year, institutionId, tolerance: args.tolerance ?? defaultTolerance }, context.now);
        // bookings completed since the last ten-minute import are use too
        await importCompletedBookings(db);
        return scope;
      },
      recordedUse: async (_root: unknown, args: { instrumentId: string; year: number }, context: { claims: HubClaims | null; now: Date }) => {
        const instrument = await db('instruments').where({ id: args.instrumentId }).first('id', 'institution_id') as { id: string; institution_id: string } | undefined;
        if (!instrument) throw new GraphQLError(`instrumentId: unknown instrument ${args.instrumentId}`, { extensions: { code: 'NOT_FOUND', field: 'instrumentId' } });
        readableInstitution(context.claims, instrument.institution_id, 'reading the sessions behind the national report');
        const scope = scopeOf({ year: args.year, institutionId: instrument.institution_id, tolerance: defaultTolerance }, context.now);
        await importCompletedBookings(db);
        return { ...await recordedUse(db, instrument.id, scope), year: scope.year };
      },
    },
    NationalReport: {
      equipmentColumns: () => EQUIPMENT_COLUMNS,
      serviceRecordColumns: () => SERVICE_RECORD_COLUMNS,
      equipment: async (scope: ReportScope, args: { first: number; after?: string | null }) => {
        checkFirst(args.first);
        const after = decode(args.after, isEquipmentCursor, 'equipment');
        const rows = await equipmentPage(db, scope, args.first, after?.id ?? null);
        return { scope, rows, endCursor: rows.length === args.first ? encode({ id: rows[rows.length - 1].instrumentId }) : null };
      },
      serviceRecords: async (scope: ReportScope, args: { first: number; after?: string | null }) => {
        checkFirst(args.first);
        const after = decode(args.after, isServiceCursor, 'serviceRecords');
        const cursor: ServiceCursor | null = after ? { instrumentId: after.i, from: new Date(after.t) } : null;
        const page = await serviceRecordPage(db, scope, args.first, cursor);
        return { rows: page.records, endCursor: page.next ? encode({ i: page.next.instrumentId, t: page.next.from.toISOString() }) : null };
      },
    },
    NationalEquipmentPage: {
      totalCount: (page: { scope: ReportScope }) => equipmentCount(db, page.scope),
    },
    NationalEquipmentRow: {
      instrument: (r: EquipmentRow) => ({ __typename: 'Instrument', id: r.instrumentId }),
      institution: (r: EquipmentRow) => ({ id: r.institutionId }),
      declaredRunningHours: (r: EquipmentRow) => r.declared.running,
      declaredServiceHours: (r: EquipmentRow) => r.declared.service,
      hoursCheck: (r: EquipmentRow) => mismatchText(r.mismatches),
      cells: (r: EquipmentRow) => equipmentCells(r).map(cellText),
    },
    NationalServiceRecord: {
      instrument: (r: ServiceRecord) => ({ __typename: 'Instrument', id: r.instrumentId }),
      bookingIds: (r: ServiceRecord) => r.bookings.map((b) => b.id),
      amount: (r: ServiceRecord) => serviceAmount(r),
      applicant: (r: ServiceRecord) => applicantsOf(r) || null,
      applicantInstitution: (r: ServiceRecord) => applicantInstitutionsOf(r) || null,
      cells: (r: ServiceRecord) => serviceRecordCells(r).map(cellText),
    },
    RecordedUse: {
      instrument: (u: { instrumentId: string }) => ({ __typename: 'Instrument', id: u.instrumentId }),
    },
  };
}
