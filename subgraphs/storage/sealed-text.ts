/**
 * Secrets the hub must keep in its database (source configs with an owner's API token or
 * connection string, each source's connector credential) are stored sealed: AES-256-GCM
 * under a key derived from the hub's secret, so a copy of the database, a backup or a WAL
 * segment does not hand them out. Anyone with the hub's secret can open them, as the hub must.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const PREFIX = 'sealed:v1:';

export interface Sealer {
  seal(plain: string): string;
  /** the plain text of what `seal` made; throws when it was sealed under another key */
  open(sealed: string): string;
  isSealed(text: string): boolean;
}

/** `purpose` separates keys derived from one hub secret */
export function createSealer(hubSecret: string, purpose: string): Sealer {
  const key = Buffer.from(hkdfSync('sha256', hubSecret, 'irhub', purpose, 32));
  return {
    seal(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
    },
    open(sealed) {
      if (!sealed.startsWith(PREFIX)) throw new Error('not sealed text');
      const raw = Buffer.from(sealed.slice(PREFIX.length), 'base64url');
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      try {
        return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
      } catch {
        throw new Error('sealed with another hub secret (IRHUB_SECRET or $IRHUB_DATA_DIR/hub-secret changed?)');
      }
    },
    isSealed: (text) => text.startsWith(PREFIX),
  };
}
