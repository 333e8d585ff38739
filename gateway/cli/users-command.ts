/** `irhub users add|list` and `irhub token <userId>`: accounts of a running hub, as administrator. */
import { parseArgs } from 'node:util';
import { CliError, connectHub } from './hub-client.ts';

const USERS_USAGE = 'usage: irhub users add <userId> --institution <institutionId> [--role USER|INSTITUTION_STAFF|REVIEWER|ADMIN] [--institution-name <name>] [--name <display name>]\n       irhub users list [--institution <institutionId>]';

interface UserView { id: string; displayName: string; role: string; institutionId: string; institutionName: string }
const USER_FIELDS = 'id displayName role institutionId institutionName';

export async function usersCommand(args: string[], out: (line: string) => void): Promise<number> {
  const [action, ...rest] = args;
  const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: {
    institution: { type: 'string' }, role: { type: 'string' }, 'institution-name': { type: 'string' }, name: { type: 'string' },
  } });
  const hub = connectHub();
  switch (action) {
    case 'add': {
      const id = positionals[0];
      if (!id || !values.institution) throw new CliError(USERS_USAGE);
      const data = await hub.request<{ addUser: UserView }>(`mutation ($input: AddUserInput!) { addUser(input: $input) { ${USER_FIELDS} } }`, { input: {
        id, institutionId: values.institution, institutionName: values['institution-name'], role: (values.role ?? 'USER').toUpperCase(), displayName: values.name,
      } });
      const user = data.addUser;
      out(`user ${user.id} added: ${user.role} of ${user.institutionName} (${user.institutionId}); a token: npx irhub token ${user.id}`);
      return 0;
    }
    case 'list': {
      const data = await hub.request<{ users: UserView[] }>(`query ($institutionId: ID) { users(institutionId: $institutionId) { ${USER_FIELDS} } }`, { institutionId: values.institution });
      for (const u of data.users) out(`${u.id.padEnd(20)} ${u.role.padEnd(18)} ${u.institutionName} (${u.institutionId})`);
      return 0;
    }
    default:
      throw new CliError(USERS_USAGE);
  }
}

export async function tokenCommand(args: string[], out: (line: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { days: { type: 'string' } } });
  const userId = positionals[0];
  if (!userId) throw new CliError('usage: irhub token <userId> [--days 30]');
  const days = values.days ? Number(values.days) : 30;
  const data = await connectHub().request<{ issueToken: { token: string; expiresAt: string } }>(
    'mutation ($userId: ID!, $days: Int) { issueToken(userId: $userId, days: $days) { token expiresAt } }', { userId, days });
  out(data.issueToken.token);
  return 0;
}
