/**
 * Sends recorded notifications by email through the SMTP server of IRHUB_SMTP_URL (nodemailer).
 * A failed send is retried with growing pauses (1, 2, 4, 8 minutes) and then marked FAILED with
 * the server's answer; without an SMTP server, or for a user without an address, the
 * notification is logged and marked LOGGED. Rows are claimed with SKIP LOCKED, so replicas
 * delivering at once never send one twice.
 */
import type { Knex } from 'knex';
import nodemailer from 'nodemailer';
import type { NotificationRow } from './outbox.ts';

export const MAX_ATTEMPTS = 5;
const BATCH = 50;

export interface Mailer {
  describe: string;
  send(message: { to: string; subject: string; text: string }): Promise<void>;
}

/** The SMTP mailer of IRHUB_SMTP_URL (from IRHUB_MAIL_FROM), or null: notifications are logged only. */
export function mailerFromEnv(env: NodeJS.ProcessEnv = process.env): Mailer | null {
  const url = env.IRHUB_SMTP_URL?.trim();
  if (!url) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`IRHUB_SMTP_URL: "${url}" is not a URL (e.g. smtp://127.0.0.1:2525 or smtps://user:pass@mail.example.org)`);
  }
  if (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:') throw new Error(`IRHUB_SMTP_URL: use smtp:// or smtps://, got ${parsed.protocol}`);
  const from = env.IRHUB_MAIL_FROM?.trim() || 'irhub <noreply@irhub.local>';
  const transport = nodemailer.createTransport(url);
  return {
    describe: `notifications: by email through ${parsed.protocol}//${parsed.host}`,
    async send(message) {
      await transport.sendMail({ from, to: message.to, subject: message.subject, text: message.text });
    },
  };
}

/** Sends what is due; returns how many were sent. */
export async function deliverDue(db: Knex, mailer: Mailer | null, now: Date, log: (line: string) => void): Promise<number> {
  let sent = 0;
  await db.transaction(async (trx) => {
    const due = await trx('notifications').where('status', 'PENDING').where('next_attempt_at', '<=', now)
      .orderBy([{ column: 'next_attempt_at' }, { column: 'id' }]).limit(BATCH).forUpdate().skipLocked() as NotificationRow[];
    for (const n of due) {
      if (!mailer || !n.to_address) {
        log(`notification ${n.kind} to ${n.user_id} (${mailer ? 'no email address' : 'no IRHUB_SMTP_URL'}), logged only: ${n.subject}`);
        await trx('notifications').where({ id: n.id }).update({ status: 'LOGGED', sent_at: now });
        continue;
      }
      try {
        await mailer.send({ to: n.to_address, subject: n.subject, text: n.body });
        await trx('notifications').where({ id: n.id }).update({ status: 'SENT', attempts: n.attempts + 1, sent_at: new Date(), last_error: null });
        sent++;
      } catch (error) {
        const attempts = n.attempts + 1;
        const message = error instanceof Error ? error.message : String(error);
        const failed = attempts >= MAX_ATTEMPTS;
        if (failed) log(`notification ${n.id} to ${n.to_address} failed after ${attempts} attempts: ${message}`);
        await trx('notifications').where({ id: n.id }).update({
          status: failed ? 'FAILED' : 'PENDING', attempts, last_error: message.slice(0, 1000), next_attempt_at: new Date(now.getTime() + 2 ** (attempts - 1) * 60_000),
        });
      }
    }
  });
  return sent;
}
