/** How the command line reaches a running hub: IRHUB_URL, authenticated as administrator. */
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_DATA_DIR } from '../hub-files.ts';

export class CliError extends Error {}

export interface HubClient {
  url: string;
  request<T>(query: string, variables?: Record<string, unknown>): Promise<T>;
}

export function hubUrl(env: NodeJS.ProcessEnv = process.env): string {
  return (env.IRHUB_URL ?? `http://localhost:${env.PORT ?? 4000}`).replace(/\/$/, '');
}

export function adminTokenFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  if (env.IRHUB_TOKEN) return env.IRHUB_TOKEN;
  const file = path.join(env.IRHUB_DATA_DIR ?? DEFAULT_DATA_DIR, 'admin-token');
  if (!existsSync(file)) throw new CliError(`no admin token: ${file} does not exist (start the hub first, or set IRHUB_TOKEN / IRHUB_DATA_DIR)`);
  return readFileSync(file, 'utf8').trim();
}

export function connectHub(env: NodeJS.ProcessEnv = process.env): HubClient {
  const url = hubUrl(env);
  const token = adminTokenFromEnv(env);
  return {
    url,
    async request<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
      let response: Response;
      try {
        response = await fetch(`${url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query, variables }),
        });
      } catch (error) {
        throw new CliError(`cannot reach the hub at ${url} (${error instanceof Error ? (error.cause as Error | undefined)?.message ?? error.message : String(error)}); is it running? set IRHUB_URL otherwise`);
      }
      const body = await response.json().catch(() => null) as { data?: T; errors?: Array<{ message: string }> } | null;
      if (!body) throw new CliError(`the hub at ${url} answered HTTP ${response.status} without JSON`);
      if (body.errors?.length) throw new CliError(body.errors.map((e) => e.message).join('\n'));
      if (!body.data) throw new CliError(`the hub at ${url} answered HTTP ${response.status} without data`);
      return body.data;
    },
  };
}
