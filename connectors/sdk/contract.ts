/**
 * The connector contract: what an owner's equipment system must offer for the hub to index
 * its instruments and read their live state. An adapter implements it for one source; the
 * SDK's `serveConnector` turns it into a federation subgraph plus the harvest endpoint.
 */
import type { CanonicalField } from './fields.ts';

/** One record as read from the owner's system, mapped to canonical field names but not yet checked. */
export interface SourceRecord {
  /** where the record came from, for error messages: "row 17", "asset 2019-0033" */
  ref: string;
  values: Partial<Record<CanonicalField, unknown>>;
  /** owner columns with no canonical meaning, kept as extra specs */
  extra?: Record<string, string>;
}

/** A record the adapter could not even map (e.g. a malformed row in the source). */
export interface UnreadableRecord { ref: string; field?: string; reason: string }

export interface ListRequest {
  /** only records changed after this instant (incremental harvest), if the source supports it */
  since?: Date;
  /** opaque cursor returned by the previous page */
  cursor?: string;
  limit: number;
}

export interface SourcePage {
  records: SourceRecord[];
  unreadable?: UnreadableRecord[];
  /** local ids deleted since `since`; only meaningful for incremental pages */
  deletedLocalIds?: string[];
  nextCursor?: string | null;
  /** total number of records the full listing will return, when the source knows it */
  totalEstimate?: number;
}

export interface BusyInterval { from: Date; to: Date }

export type LiveStateKey = 'IDLE' | 'IN_USE' | 'MAINTENANCE' | 'RETIRED' | 'OFFLINE' | 'UNKNOWN';

export interface LiveStatusRecord {
  state: LiveStateKey;
  observedAt: Date;
  /** the owner's calendar over the next days, if the adapter already has it */
  busy?: BusyInterval[];
}

export interface BookingWrite {
  bookingId: string;
  localId: string;
  from: Date;
  to: Date;
  holder: string;
  purpose: string;
}

/** A session in which the owner's system saw the instrument used (a meter, an interlock, a logbook). */
export interface UsageRecord {
  localId: string;
  startedAt: Date;
  endedAt: Date;
  /** EXTERNAL: a user of another institution */
  userKind: 'INTERNAL' | 'EXTERNAL';
  evidence: 'METER' | 'INTERLOCK' | 'LOGBOOK';
}

export interface ConnectorAdapter {
  /** whether `listInstruments` honours `since` */
  readonly incremental: boolean;
  listInstruments(request: ListRequest): Promise<SourcePage>;
  /** live state of many instruments in one call; ids missing from the map are UNKNOWN */
  liveStatus(localIds: readonly string[]): Promise<Map<string, LiveStatusRecord>>;
  /** busy intervals in the owner's calendar that overlap [from, to) */
  calendar(localId: string, from: Date, to: Date): Promise<BusyInterval[]>;
  placeBooking?(booking: BookingWrite): Promise<{ externalRef: string }>;
  cancelBooking?(externalRef: string): Promise<void>;
  /** usage sessions recorded or ended since `since` (all when absent); the hub merges repeats and overlaps */
  listUsage?(since?: Date): Promise<UsageRecord[]>;
  close?(): Promise<void>;
}

/** Raised by an adapter when its configuration or its source is wrong; names the cause. */
export class ConnectorError extends Error {
  constructor(message: string, readonly code: 'CONFIG' | 'UNREACHABLE' | 'MALFORMED' | 'SOURCE') {
    super(message);
    this.name = 'ConnectorError';
  }
}
