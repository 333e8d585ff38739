/** `irhub users add|list|disable|enable|role|revoke` and `irhub token <userId>`: accounts of a running hub, as administrator. */
import { parseArgs } from 'node:util';
import { CliError, connectHub } from './hub-client.ts';

const USERS_USAGE = 'usage: irhub users add <userId> --institution <institutionId> [--role USER|INSTITUTION_STAFF|REVIEWER|ADMIN] [--institution-name <name>] [--name <display name>]\n       irhub users list [--institution <institutionId>]\n       irhub users disable|enable|revoke <userId>\n       irhub users role <userId> USER|INSTITUTION_STAFF|REVIEWER|ADMIN';

interface UserView { id: string; displayName: string; role: string; institutionId: string; institutionName: string; disabled: boolean }
const USER_FIELDS = 'id displayName role institutionId institutionName disabled';

/** the account changes, each a mutation of one user and what to say once it is done */
const CHANGES: Record<string, { mutation: string; done: (u: UserView) => string }> = {
  disable: { mutation: 'disableUser(id: $id)', done: (u) => `user ${u.id} disabled: its tokens are refused until \`irhub users enable ${u.id}\`` },
  enable: { mutation: 'enableUser(id: $id)', done: (u) => `user ${u.id} enabled: ${u.role} of ${u.institutionName}` },
  revoke: { mutation: 'revokeUserTokens(id: $id)', done: (u) => `user ${u.id}: every token issued until now is refused; a new one: npx irhub token ${u.id}` },
};

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
    case 'disable':
    case 'enable':
    case 'revoke': {
      const id = positionals[0];
      if (!id) throw new CliError(USERS_USAGE);
      const { mutation, done } = CHANGES[action];
      const data = await hub.request<{ user: UserView }>(`mutation ($id: ID!) { user: ${mutation} { ${USER_FIELDS} } }`, { id });
      out(done(data.user));
      return 0;
    }
    case 'role': {
      const [id, role] = positionals;
      if (!id || !role) throw new CliError(USERS_USAGE);
      const data = await hub.request<{ setUserRole: UserView }>(`mutation ($id: ID!, $role: Role!) { setUserRole(id: $id, role: $role) { ${USER_FIELDS} } }`, { id, role: role.toUpperCase() });
      out(`user ${data.setUserRole.id} is now ${data.setUserRole.role}`);
      return 0;
    }
    case 'list': {
      const data = await hub.request<{ users: UserView[] }>(`query ($institutionId: ID) { users(institutionId: $institutionId) { ${USER_FIELDS} } }`, { institutionId: values.institution });
      for (const u of data.users) out(`${u.id.padEnd(20)} ${u.role.padEnd(18)} ${u.institutionName} (${u.institutionId})${u.disabled ? '  DISABLED' : ''}`);
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
