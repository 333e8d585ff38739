/**
 * The sessions behind one instrument's yearly figures, so an owner or the centre can check
 * each hour of 年总运行机时 and 年服务机时: every session that touches the year, the part of
 * it inside the year, and the service record an external one belongs to.
 */
import type { Knex } from 'knex';
import { rawRows } from '../sql.ts';
import { addToServices, type Service } from './service-records.ts';
import { reportedHours, type ReportScope } from './report-scope.ts';

export interface RecordedSession {
  id: string;
  startedAt: Date;
  endedAt: Date;
  userKind: 'INTERNAL' | 'EXTERNAL';
  evidence: string;
  reportedBy: string;
  /** the session inside the year */
  countedFrom: Date;
  countedTo: Date;
  /** the service record it belongs to (external sessions) */
  serviceRecordId: string | null;
}

export interface RecordedUse {
  instrumentId: string;
  runningHours: number;
  serviceHours: number;
  sessions: RecordedSession[];
}

interface Row { id: string | number; started_at: Date; ended_at: Date; user_kind: 'INTERNAL' | 'EXTERNAL'; evidence: string; reported_by: string }

export async function recordedUse(db: Knex, instrumentId: string, scope: ReportScope): Promise<RecordedUse> {
  const rows = await rawRows<Row>(db, `select id, started_at, ended_at, user_kind, evidence, reported_by from usage_sessions
    where instrument_id = ? and started_at < ?::timestamptz and ended_at > ?::timestamptz order by started_at, id`,
  [instrumentId, scope.to.toISOString(), scope.from.toISOString()]);
  const [figures] = await rawRows<{ running: number | null; service: number | null }>(db, `select sum(used_hours) as running, sum(external_hours) as service
    from usage_monthly where instrument_id = ? and month >= ?::date and month < ?::date`, [instrumentId, `${scope.year}-01-01`, `${scope.year + 1}-01-01`]);
  const services: Service[] = [];
  const serviceOf = new Map<string, Service>();
  for (const r of rows.filter((x) => x.user_kind === 'EXTERNAL')) {
    const session = { id: String(r.id), instrumentId, startedAt: new Date(r.started_at), endedAt: new Date(r.ended_at), evidence: r.evidence, reportedBy: r.reported_by };
    addToServices(services, session, scope.from, scope.to);
    serviceOf.set(session.id, services[services.length - 1]);
  }
  return {
    instrumentId,
    runningHours: reportedHours(Number(figures?.running ?? 0)),
    serviceHours: reportedHours(Number(figures?.service ?? 0)),
    sessions: rows.map((r) => ({
      id: String(r.id),
      startedAt: new Date(r.started_at),
      endedAt: new Date(r.ended_at),
      userKind: r.user_kind,
      evidence: r.evidence,
      reportedBy: r.reported_by,
      countedFrom: new Date(Math.max(new Date(r.started_at).getTime(), scope.from.getTime())),
      countedTo: new Date(Math.min(new Date(r.ended_at).getTime(), scope.to.getTime())),
      serviceRecordId: serviceOf.get(String(r.id))?.sessions[0].id ?? null,
    })),
  };
}
