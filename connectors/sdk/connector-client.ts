/**
 * The hub's side of a connector's plain endpoints: the owner's calendar, booking write-back
 * and usage, each call signed with the source's secret. Errors name the source and what the
 * connector said.
 */
import type { BusyInterval } from './contract.ts';
import { signedInit } from './hub-credential.ts';

/** where a source's connector listens, and the secret the hub signs its calls to it with */
export interface ConnectorEndpoint {
  sourceId: string;
  /** base URL: the subgraph is at `${url}/graphql`, the plain routes beside it */
  url: string;
  credential: string;
}

export interface ConnectorClient {
  calendar(localId: string, from: Date, to: Date): Promise<BusyInterval[]>;
  placeBooking(booking: { bookingId: string; localId: string; from: Date; to: Date; holder: string; purpose: string }): Promise<{ externalRef: string }>;
  cancelBooking(externalRef: string): Promise<void>;
  /** sessions the owner's system recorded since `since`, as sent; null when it reports no usage */
  usage(since: Date | null): Promise<UsageOnTheWire[] | null>;
}

/** A usage session as a connector sends it, unchecked: the hub checks it like any report. */
export interface UsageOnTheWire { localId?: unknown; startedAt?: unknown; endedAt?: unknown; userKind?: unknown; evidence?: unknown }

export class ConnectorCallError extends Error {
  constructor(message: string, readonly status: number | null) {
    super(message);
  }
}

export function connectorClient(endpoint: ConnectorEndpoint, timeoutMs = 5000): ConnectorClient {
  const { sourceId } = endpoint;
  async function call<T>(path: string, init?: RequestInit): Promise<T> {
    let response: Response;
    try {
      const url = new URL(path, endpoint.url);
      response = await fetch(url, { ...signedInit(endpoint.credential, url, init), signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      throw new ConnectorCallError(`source ${sourceId}: connector unreachable (${error instanceof Error ? error.message : String(error)})`, null);
    }
    const body = await response.json().catch(() => null) as (T & { error?: string }) | null;
    if (!response.ok || body === null) {
      const reason = body?.error ?? `HTTP ${response.status}`;
      throw new ConnectorCallError(reason.startsWith(`source ${sourceId}`) ? reason : `source ${sourceId}: ${reason}`, response.status);
    }
    return body;
  }
  const post = <T>(path: string, body: unknown) => call<T>(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return {
    async calendar(localId, from, to) {
      const query = new URLSearchParams({ localId, from: from.toISOString(), to: to.toISOString() });
      const body = await call<{ busy: Array<{ from: string; to: string }> }>(`/calendar?${query}`);
      return body.busy.map((b) => ({ from: new Date(b.from), to: new Date(b.to) }));
    },
    placeBooking: (booking) => post<{ externalRef: string }>('/bookings/place', {
      ...booking, from: booking.from.toISOString(), to: booking.to.toISOString(),
    }),
    async cancelBooking(externalRef) {
      await post('/bookings/cancel', { externalRef });
    },
    async usage(since) {
      const query = since ? `?${new URLSearchParams({ since: since.toISOString() })}` : '';
      try {
        const body = await call<{ sessions?: unknown }>(`/usage${query}`);
        if (!Array.isArray(body.sessions)) throw new ConnectorCallError(`source ${sourceId}: usage endpoint answered without sessions`, 200);
        return body.sessions as UsageOnTheWire[];
      } catch (error) {
        // 501: the adapter has no listUsage; 404: a connector older than the usage endpoint
        if (error instanceof ConnectorCallError && (error.status === 501 || error.status === 404)) return null;
        throw error;
      }
    },
  };
}
