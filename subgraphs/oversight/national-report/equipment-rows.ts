/**
 * The equipment sheet (大型科研仪器) of a national report, a page at a time in instrument order:
 * what the owner's system says of each instrument, and its year of recorded use from the
 * monthly roll-up (usage_monthly: sessions and completed bookings, overlaps merged), so a page
 * reads a dozen roll-up rows per instrument and never a session.
 */
import type { Knex } from 'knex';
import { instrumentClassInfo, type InstrumentClassKey } from '../../../schema/classes.ts';
import { fromJsonb } from '../../storage/jsonb.ts';
import { declaredHoursOf, hoursMismatches, type DeclaredHours, type HoursMismatch } from '../declared-hours.ts';
import { rawRows } from '../sql.ts';
import { reportedHours, type ReportScope } from './report-scope.ts';

export interface EquipmentRow {
  instrumentId: string;
  localId: string;
  name: string;
  nameEn: string | null;
  institutionId: string;
  institutionName: string;
  classCode: string;
  /** 万元, two decimals */
  originalValueWan: string | null;
  purchaseDate: string | null;
  address: string | null;
  model: string | null;
  manufacturer: string | null;
  country: string | null;
  specs: string | null;
  functions: string | null;
  /** yuan per hour */
  externalRate: string | null;
  contactName: string | null;
  contactPhone: string | null;
  contactEmail: string | null;
  /** the owner's own columns */
  extra: Record<string, string>;
  /** 年总运行机时: hours of recorded use in the year, overlaps counted once */
  runningHours: number;
  /** 年服务机时: of those, hours used by other institutions */
  serviceHours: number;
  declared: DeclaredHours;
  /** declared figures further from the recorded ones than the scope's tolerance */
  mismatches: HoursMismatch[];
}

interface Row {
  id: string; local_id: string; name: string; name_en: string | null; instrument_class: InstrumentClassKey; class_code: string | null; worth_wan: string | null;
  purchase_date: string | null; address: string | null; model: string | null; manufacturer: string | null; country: string | null;
  specs: string | null; functions: string | null; external_rate: string | null; contact_name: string | null; contact_phone: string | null;
  contact_email: string | null; extra: Record<string, string> | string; institution_id: string; institution_name: string;
  running_hours: number | string; service_hours: number | string;
}


function scopeFilter(scope: ReportScope): { sql: string; bindings: unknown[] } {
  return scope.institutionId ? { sql: 'and i.institution_id = ?', bindings: [scope.institutionId] } : { sql: '', bindings: [] };
}

export async function equipmentPage(db: Knex, scope: ReportScope, first: number, afterId: string | null): Promise<EquipmentRow[]> {
  const filter = scopeFilter(scope);
  const rows = await rawRows<Row>(db, `select i.id, i.local_id, i.name, i.name_en, i.instrument_class, i.class_code, round(i.original_value / 10000, 2)::text as worth_wan,
      to_char(i.purchase_date, 'YYYY-MM-DD') as purchase_date, i.address, i.model, i.manufacturer, i.country, i.specs, i.functions,
      i.external_rate::text as external_rate, i.contact_name, i.contact_phone, i.contact_email, i.extra, i.institution_id, n.name as institution_name,
      coalesce(y.running_hours, 0) as running_hours, coalesce(y.service_hours, 0) as service_hours
    from instruments i
    join institutions n on n.id = i.institution_id
    left join lateral (
      select sum(m.used_hours) as running_hours, sum(m.external_hours) as service_hours
      from usage_monthly m where m.instrument_id = i.id and m.month >= ?::date and m.month < ?::date
    ) y on true
    where i.id > ? ${filter.sql}
    order by i.id
    limit ?`, [`${scope.year}-01-01`, `${scope.year + 1}-01-01`, afterId ?? '', ...filter.bindings, first]);
  return rows.map((r) => {
    const extra = fromJsonb<Record<string, string>>(r.extra);
    const recorded = { running: reportedHours(Number(r.running_hours)), service: reportedHours(Number(r.service_hours)) };
    const declared = declaredHoursOf(extra);
    return {
      instrumentId: r.id, localId: r.local_id, name: r.name, nameEn: r.name_en, institutionId: r.institution_id, institutionName: r.institution_name,
      // as specific as the owner gave or the hub inferred; rows harvested before codes were kept have their top class's
      classCode: r.class_code ?? instrumentClassInfo(r.instrument_class).code, originalValueWan: r.worth_wan, purchaseDate: r.purchase_date, address: r.address,
      model: r.model, manufacturer: r.manufacturer, country: r.country, specs: r.specs, functions: r.functions, externalRate: r.external_rate,
      contactName: r.contact_name, contactPhone: r.contact_phone, contactEmail: r.contact_email, extra,
      runningHours: recorded.running, serviceHours: recorded.service, declared, mismatches: hoursMismatches(declared, recorded, scope.tolerance),
    };
  });
}

export async function equipmentCount(db: Knex, scope: ReportScope): Promise<number> {
  const filter = scopeFilter(scope);
  const [row] = await rawRows<{ n: string | number }>(db, `select count(*) as n from instruments i where true ${filter.sql}`, filter.bindings);
  return Number(row.n);
}
