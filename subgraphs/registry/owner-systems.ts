/**
 * The owners' own systems, reached through each source's connector by instrument id: their
 * calendars (for availability) and booking write-back. Used by the catalog's availability
 * search and by booking, so both read the same calendars the same way.
 */
import type { ConnectorClient } from '../../connectors/sdk/connector-client.ts';
import type { BusyInterval } from '../../connectors/sdk/contract.ts';
import { localIdOf, sourceIdOf } from '../../connectors/sdk/source-id.ts';
import type { SourceRegistry } from './source-registry.ts';

export interface OwnerSystems {
  calendar(instrumentId: string, from: Date, to: Date): Promise<BusyInterval[]>;
  placeBooking(instrumentId: string, booking: { bookingId: string; from: Date; to: Date; holder: string; purpose: string }): Promise<{ externalRef: string }>;
  cancelBooking(instrumentId: string, externalRef: string): Promise<void>;
}

export function ownerSystems(registry: SourceRegistry): OwnerSystems {
  const reach = (instrumentId: string): { client: ConnectorClient; localId: string } => {
    const sourceId = sourceIdOf(instrumentId) ?? '';
    return { client: registry.connectorClient(sourceId), localId: localIdOf(sourceId, instrumentId) ?? '' };
  };
  return {
    calendar(instrumentId, from, to) {
      const { client, localId } = reach(instrumentId);
      return client.calendar(localId, from, to);
    },
    placeBooking(instrumentId, booking) {
      const { client, localId } = reach(instrumentId);
      return client.placeBooking({ ...booking, localId });
    },
    cancelBooking(instrumentId, externalRef) {
      return reach(instrumentId).client.cancelBooking(externalRef);
    },
  };
}
