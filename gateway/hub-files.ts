/** Files the hub keeps in its data directory: the admin token and its secrets. */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync, chmodSync } from 'node:fs';
import path from 'node:path';

export const DEFAULT_DATA_DIR = './.irhub';

function secretFile(dataDir: string, name: string): string {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, name);
  if (!existsSync(file)) {
    writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600 });
    chmodSync(file, 0o600);
  }
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

/** signs the tokens the hub issues to users (IRHUB_JWT_SECRET, else a file of the data directory) */
export function userTokenSecret(dataDir: string): Uint8Array {
  return new TextEncoder().encode(process.env.IRHUB_JWT_SECRET ?? secretFile(dataDir, 'user-token-secret'));
}
