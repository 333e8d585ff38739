/**
 * How a connector knows a call comes from its hub: every hub → connector request carries an
 * HMAC-SHA256 signature, made with the source's own secret (generated when the source is
 * added, rotated with `npx irhub sources rotate <id>`), over the time, a fresh nonce, the
 * method, the path with its query and the body's digest. A connector refuses anything else
 * with 401: no header, another source's or an old secret, a changed request, a signature older
 * than the window (expired) or one it has already seen (replayed). The hub's users' identity
 * never reaches a connector.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-irhub-signature';
/** a signature is accepted this long either side of the connector's clock */
export const SIGNATURE_WINDOW_MS = 60_000;

/** a new source secret: 32 random bytes, base64url */
export function newSourceSecret(): string {
  return randomBytes(32).toString('base64url');
}

function digest(secret: string, parts: { time: string; nonce: string; method: string; target: string; body: string | Uint8Array }): string {
  const bodyHash = createHash('sha256').update(parts.body).digest('hex');
  return createHmac('sha256', secret).update(`${parts.time}\n${parts.nonce}\n${parts.method.toUpperCase()}\n${parts.target}\n${bodyHash}`).digest('base64url');
}

/** `target` is the request's path with its query, as the connector will see it */
export function signHubRequest(secret: string, method: string, target: string, body: string | Uint8Array = '', now = Date.now()): string {
  const time = String(Math.floor(now / 1000));
  const nonce = randomBytes(16).toString('base64url');
  return `t=${time},n=${nonce},s=${digest(secret, { time, nonce, method, target, body })}`;
}

/** the header to add to a fetch of `url` with `init`, signed with the source's secret */
export function signedInit(secret: string, url: string | URL, init: RequestInit = {}): RequestInit {
  const target = new URL(url);
  const body = typeof init.body === 'string' ? init.body : '';
  const headers = new Headers(init.headers);
  headers.set(SIGNATURE_HEADER, signHubRequest(secret, init.method ?? 'GET', target.pathname + target.search, body));
  return { ...init, headers };
}

export type CredentialCheck = { ok: true } | { ok: false; reason: string };

/**
 * The connector's side. `secret()` is read on every request, so a rotation takes effect at
 * once. Nonces are remembered for twice the window, which is as long as a signature could be
 * accepted at all, so the memory is bounded by the hub's request rate.
 */
export function createCredentialVerifier(secret: () => string) {
  const seen = new Map<string, number>();
  let lastSweep = Date.now();
  const sweep = (now: number) => {
    if (now - lastSweep < SIGNATURE_WINDOW_MS) return;
    lastSweep = now;
    for (const [nonce, until] of seen) if (until < now) seen.delete(nonce);
  };
  return (request: { method: string; target: string; header: string | string[] | undefined; body: string | Uint8Array }, now = Date.now()): CredentialCheck => {
    if (typeof request.header !== 'string') return { ok: false, reason: `no ${SIGNATURE_HEADER} header: this connector answers its hub only` };
    const fields = new Map(request.header.split(',').map((part) => {
      const at = part.indexOf('=');
      return [part.slice(0, at).trim(), part.slice(at + 1).trim()] as const;
    }));
    const time = fields.get('t') ?? '';
    const nonce = fields.get('n') ?? '';
    const signature = fields.get('s') ?? '';
    if (!/^\d{1,12}$/.test(time) || !/^[A-Za-z0-9_-]{16,64}$/.test(nonce) || !signature) return { ok: false, reason: `${SIGNATURE_HEADER} is malformed` };
    const expected = Buffer.from(digest(secret(), { time, nonce, method: request.method, target: request.target, body: request.body }));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'signature does not match: not signed with this source\'s current secret, or the request was changed' };
    if (Math.abs(now - Number(time) * 1000) > SIGNATURE_WINDOW_MS) return { ok: false, reason: `signature expired (signed at ${new Date(Number(time) * 1000).toISOString()}, accepted for ${SIGNATURE_WINDOW_MS / 1000} s)` };
    sweep(now);
    if (seen.has(nonce)) return { ok: false, reason: 'signature already used (replayed request)' };
    seen.set(nonce, now + 2 * SIGNATURE_WINDOW_MS);
    return { ok: true };
  };
}
