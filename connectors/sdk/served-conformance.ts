/**
 * The conformance kit over HTTP: checks a connector as it is served, the way the hub will call it —
 * the signature requirement, the harvest endpoint (paging to the end, incremental listing), the
 * subgraph (its type, live state through `_entities`), the calendar, booking write-back and
 * cancellation, and usage — and reports each check with what went wrong. Booking write-back
 * places one booking a month ahead and cancels it at once; `write: false` leaves it out.
 */
import { randomBytes } from 'node:crypto';
import { signedInit } from './hub-credential.ts';
import { instrumentTypeName } from './source-id.ts';
import type { ConformanceCheck, ConformanceReport } from './conformance.ts';

export interface ServedConformanceOptions {
  /** the connector's base URL (its subgraph is at `${url}/graphql`) */
  url: string;
  /** the source's secret the connector was started with */
  credential: string;
  pageSize?: number;
  maxPages?: number;
  /** place and cancel a booking (default true) */
  write?: boolean;
  timeoutMs?: number;
}

const LIVE_STATES = ['IDLE', 'IN_USE', 'MAINTENANCE', 'RETIRED', 'OFFLINE', 'UNKNOWN'];
const USER_KINDS = ['INTERNAL', 'EXTERNAL'];
const EVIDENCE = ['METER', 'INTERLOCK', 'LOGBOOK'];
const DAY_MS = 24 * 3600_000;

interface Answer { status: number; body: Record<string, unknown> | null }
interface HarvestAnswer { sourceId?: unknown; instruments?: Array<{ localId?: unknown }>; rejected?: unknown[]; nextCursor?: unknown; incremental?: unknown }

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));
const isInstant = (value: unknown) => typeof value === 'string' && !Number.isNaN(Date.parse(value));

export async function checkServedConnector(options: ServedConformanceOptions): Promise<ConformanceReport> {
  const checks: ConformanceCheck[] = [];
  const check = (name: string, ok: boolean, detail: string) => checks.push({ name, ok, detail });
  const pageSize = options.pageSize ?? 100;
  const maxPages = options.maxPages ?? 10_000;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const base = new URL(options.url);

  async function call(path: string, init: RequestInit = {}, signed = true): Promise<Answer> {
    const url = new URL(path, base);
    const response = await fetch(url, { ...(signed ? signedInit(options.credential, url, init) : init), signal: AbortSignal.timeout(timeoutMs) });
    const body = await response.json().catch(() => null) as Record<string, unknown> | null;
    return { status: response.status, body };
  }
  const post = (path: string, body: unknown) => call(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const said = (answer: Answer) => `HTTP ${answer.status}${typeof answer.body?.error === 'string' ? `: ${answer.body.error}` : ''}`;
  /** runs one check; an exception (unreachable, timeout) fails it with the reason */
  async function step(name: string, run: () => Promise<[boolean, string]>): Promise<void> {
    try {
      check(name, ...await run());
    } catch (error) {
      check(name, false, message(error));
    }
  }

  await step('answers /health', async () => {
    const answer = await call('/health', {}, false);
    return [answer.status === 200 && answer.body?.ok === true, answer.status === 200 ? 'up' : said(answer)];
  });
  await step('refuses a call without the hub\'s signature', async () => {
    const answer = await call(`/harvest?limit=1`, {}, false);
    return [answer.status === 401, answer.status === 401 ? '401 without x-irhub-signature' : `answered ${answer.status}: anyone can read it`];
  });

  const localIds: string[] = [];
  let sourceId: string | null = null;
  let rejected = 0;
  await step('harvest lists every instrument, page by page', async () => {
    const seen = new Set<string>();
    let cursor: string | null = null;
    let pages = 0;
    let oversized = 0;
    let duplicates = 0;
    for (;;) {
      const query = new URLSearchParams({ limit: String(pageSize), ...(cursor ? { cursor } : {}) });
      const answer = await call(`/harvest?${query}`);
      if (answer.status !== 200 || !answer.body) return [false, `page ${pages + 1}: ${said(answer)}`];
      const page = answer.body as HarvestAnswer;
      pages++;
      if (typeof page.sourceId === 'string') sourceId = page.sourceId;
      const instruments = Array.isArray(page.instruments) ? page.instruments : [];
      rejected += Array.isArray(page.rejected) ? page.rejected.length : 0;
      if (instruments.length + (Array.isArray(page.rejected) ? page.rejected.length : 0) > pageSize) oversized++;
      for (const instrument of instruments) {
        const id = String(instrument.localId);
        if (seen.has(id)) duplicates++;
        seen.add(id);
        localIds.push(id);
      }
      const next = typeof page.nextCursor === 'string' && page.nextCursor ? page.nextCursor : null;
      if (!next) break;
      if (next === cursor || pages >= maxPages) return [false, `paging did not end after ${pages} pages (cursor ${next})`];
      cursor = next;
    }
    const problems = [
      ...(sourceId ? [] : ['pages name no sourceId']),
      ...(oversized ? [`${oversized} pages returned more than ${pageSize} records`] : []),
      ...(duplicates ? [`${duplicates} local ids listed twice`] : []),
    ];
    return [problems.length === 0, [`${localIds.length} instruments and ${rejected} rejected records in ${pages} page${pages === 1 ? '' : 's'} of ≤ ${pageSize}`, ...problems].join('; ')];
  });

  await step('incremental harvest honours since', async () => {
    const future = new Date(Date.now() + DAY_MS).toISOString();
    const answer = await call(`/harvest?${new URLSearchParams({ since: future, limit: String(pageSize) })}`);
    if (answer.status !== 200 || !answer.body) return [false, said(answer)];
    const page = answer.body as HarvestAnswer;
    if (page.incremental !== true) return [true, 'full harvests only: the adapter does not list by since'];
    const count = Array.isArray(page.instruments) ? page.instruments.length : 0;
    return [count === 0, `${count} instruments changed after ${future} (expected 0)`];
  });

  const sample = localIds.slice(0, 50);
  if (sourceId === null || sample.length === 0) {
    check('has instruments to check live state, calendar and bookings with', false, 'the harvest returned no valid instrument');
    return report(checks, localIds.length, rejected);
  }
  const source: string = sourceId;
  const typeName = instrumentTypeName(source);

  await step('serves the subgraph of its instrument type', async () => {
    const answer = await post('/graphql', { query: '{ _service { sdl } }' });
    const sdl = (answer.body?.data as { _service?: { sdl?: string } } | undefined)?._service?.sdl ?? '';
    const declared = new RegExp(`type ${typeName}\\s+@key\\(fields: "id"\\)`).test(sdl);
    return [declared, declared ? `type ${typeName} @key(fields: "id")` : `no type ${typeName} with @key(fields: "id") in its SDL (${said(answer)})`];
  });

  await step('live state answers a batch through _entities', async () => {
    const representations = sample.map((localId) => ({ __typename: typeName, id: `${source}:${localId}` }));
    const query = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on ${typeName} { id live { state observedAt busy { from to } nextFreeSlot } } } }`;
    const answer = await post('/graphql', { query, variables: { r: representations } });
    const errors = answer.body?.errors as Array<{ message: string }> | undefined;
    if (errors?.length) return [false, errors.map((e) => e.message).join('; ')];
    const entities = ((answer.body?.data as { _entities?: unknown[] } | undefined)?._entities ?? []) as Array<{ live?: { state?: string; observedAt?: string } | null }>;
    const bad = entities.filter((e) => !e.live || !LIVE_STATES.includes(String(e.live.state)) || !isInstant(e.live.observedAt));
    const known = entities.filter((e) => e.live && e.live.state !== 'UNKNOWN').length;
    return [entities.length === sample.length && bad.length === 0, `${entities.length} of ${sample.length} answered, ${known} with live data${bad.length ? `; ${bad.length} without a valid state and observedAt` : ''}`];
  });

  await step('calendar returns intervals inside the window', async () => {
    const from = new Date();
    const to = new Date(from.getTime() + 14 * DAY_MS);
    const answer = await call(`/calendar?${new URLSearchParams({ localId: sample[0], from: from.toISOString(), to: to.toISOString() })}`);
    const busy = answer.body?.busy;
    if (answer.status !== 200 || !Array.isArray(busy)) return [false, said(answer)];
    const bad = (busy as Array<{ from?: string; to?: string }>).filter((b) => !isInstant(b.from) || !isInstant(b.to) || !(b.from! < b.to!) || new Date(b.to!) <= from || new Date(b.from!) >= to);
    return [bad.length === 0, bad.length ? `${bad.length} of ${busy.length} intervals empty or outside [from, to)` : `${busy.length} busy intervals over 14 days of ${sample[0]}`];
  });

  if (options.write === false) {
    check('booking write-back', true, 'not tried (read-only check)');
  } else {
    await step('booking write-back: place, then cancel', async () => {
      const day = new Date(Date.now() + 30 * DAY_MS);
      const from = new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), 2)); // 10:00 Asia/Shanghai
      const booking = { bookingId: `conformance-${randomBytes(6).toString('hex')}`, localId: sample[0], from: from.toISOString(), to: new Date(from.getTime() + 3600_000).toISOString(), holder: 'irhub conformance check', purpose: 'conformance check, cancelled at once' };
      const placed = await post('/bookings/place', booking);
      if (placed.status === 501) return [true, 'not offered: the owner\'s system takes no bookings (501)'];
      const externalRef = placed.body?.externalRef;
      if (placed.status !== 200 || typeof externalRef !== 'string' || !externalRef) return [false, `place: ${said(placed)}, expected { externalRef }`];
      const cancelled = await post('/bookings/cancel', { externalRef });
      if (cancelled.status !== 200) return [false, `placed as ${externalRef}, but cancel: ${said(cancelled)}`];
      return [true, `placed ${booking.localId} ${booking.from} as ${externalRef}, and cancelled`];
    });
  }

  await step('usage sessions are well formed', async () => {
    const answer = await call(`/usage?${new URLSearchParams({ since: new Date(Date.now() - 30 * DAY_MS).toISOString() })}`);
    if (answer.status === 501) return [true, 'not offered: the owner\'s system reports no usage (501)'];
    const sessions = answer.body?.sessions;
    if (answer.status !== 200 || !Array.isArray(sessions)) return [false, said(answer)];
    const bad = (sessions as Array<Record<string, unknown>>).filter((s) => typeof s.localId !== 'string' || !isInstant(s.startedAt) || !isInstant(s.endedAt)
      || !(Date.parse(String(s.startedAt)) < Date.parse(String(s.endedAt))) || !USER_KINDS.includes(String(s.userKind)) || !EVIDENCE.includes(String(s.evidence)));
    return [bad.length === 0, `${sessions.length} sessions of the last 30 days${bad.length ? `; ${bad.length} malformed (localId, startedAt < endedAt, userKind ${USER_KINDS.join('|')}, evidence ${EVIDENCE.join('|')})` : ''}`];
  });

  return report(checks, localIds.length, rejected);
}

function report(checks: ConformanceCheck[], instruments: number, rejected: number): ConformanceReport {
  return { ok: checks.every((c) => c.ok), checks, instruments, rejected };
}

/** The report as lines a person reads: one per check, then the verdict. */
export function formatConformanceReport(report: ConformanceReport, subject: string): string {
  const lines = report.checks.map((c) => `${c.ok ? '✓' : '✗'} ${c.name} — ${c.detail}`);
  const failed = report.checks.filter((c) => !c.ok).length;
  lines.push(failed === 0 ? `${subject}: conforms (${report.checks.length} checks)` : `${subject}: ${failed} of ${report.checks.length} checks failed`);
  return lines.join('\n');
}
