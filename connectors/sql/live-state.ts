/**
 * The live state of an instrument from an owner's database: what its status column declares,
 * corrected by the owner's reservation table when there is one. A reservation covering now
 * means the instrument is in use whatever the column says, unless the column takes it out of
 * service (under repair, retired); with a reservation table and nothing covering now, an
 * instrument whose status is blank or unrecognised is idle.
 */
import type { LiveStateKey } from '../sdk/contract.ts';
import type { DeclaredStatus } from '../../schema/terms.ts';

export interface LiveEvidence {
  /** the status column through the value map; null when blank, unmapped or unrecognised */
  declared: DeclaredStatus | null;
  hasCalendar: boolean;
  /** an active reservation covers the present instant */
  reservedNow: boolean;
}

export function liveStateOf(evidence: LiveEvidence): LiveStateKey {
  const { declared, hasCalendar, reservedNow } = evidence;
  if (declared === 'MAINTENANCE' || declared === 'RETIRED') return declared;
  if (reservedNow) return 'IN_USE';
  if (declared) return declared;
  return hasCalendar ? 'IDLE' : 'UNKNOWN';
}
