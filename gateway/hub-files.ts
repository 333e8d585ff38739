/** Files the hub keeps in its data directory: the admin token and its secrets. */
import { createHmac, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync, chmodSync, lstatSync, readdirSync } from 'node:fs';
import path from 'node:path';

export const DEFAULT_DATA_DIR = './.irhub';

/**
 * The data directory holds the embedded database (its WAL included), the hub's secrets and the
 * demo's tokens: only the hub's own user may read any of it. Directories become 0700 and files
 * lose every permission of group and others — also what an older hub or a loose umask left.
 */
export function lockDataDir(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const lock = (entry: string) => {
    const info = lstatSync(entry);
    if (info.isSymbolicLink()) return;
    if (info.isDirectory()) {
      if ((info.mode & 0o777) !== 0o700) chmodSync(entry, 0o700);
      for (const name of readdirSync(entry)) lock(path.join(entry, name));
    } else if ((info.mode & 0o077) !== 0) {
      chmodSync(entry, (info.mode & 0o700) | 0o600);
    }
  };
  lock(dataDir);
}

/** a file of the data directory only the hub's user can read */
export function writePrivateFile(file: string, text: string): void {
  writeFileSync(file, text, { mode: 0o600 });
  chmodSync(file, 0o600);
}

function secretFile(dataDir: string, name: string): string {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, name);
  if (!existsSync(file)) writePrivateFile(file, randomBytes(32).toString('base64url'));
  return readFileSync(file, 'utf8').trim();
}

/** the administrator's bearer token; the CLI reads the same file */
export function adminToken(dataDir: string): string {
  return secretFile(dataDir, 'admin-token');
}

/** the hub's own secret (IRHUB_SECRET, shared by replicas; else a file of the data directory): what secrets stored in the database are sealed under */
export function hubSecret(dataDir: string): string {
  return process.env.IRHUB_SECRET ?? secretFile(dataDir, 'hub-secret');
}

/**
 * signs the tokens the hub issues to users: IRHUB_JWT_SECRET, else one derived from IRHUB_SECRET (so a
 * token issued by one replica is good at all), else a file of the data directory
 */
export function userTokenSecret(dataDir: string): Uint8Array {
  const shared = process.env.IRHUB_SECRET ? createHmac('sha256', process.env.IRHUB_SECRET).update('irhub user tokens').digest('base64url') : undefined;
  return new TextEncoder().encode(process.env.IRHUB_JWT_SECRET ?? shared ?? secretFile(dataDir, 'user-token-secret'));
}

/**
 * what a gateway of this hub shows its subgraphs to be given the connectors' credentials: derived from
 * the hub's secret, so a gateway in a process (or container) of its own needs IRHUB_SECRET and nothing else
 */
export function gatewayKey(secret: string): string {
  return createHmac('sha256', secret).update('irhub gateway').digest('base64url');
}
