/** A real SMTP server for tests (smtp-server), keeping each mail it receives, parsed (mailparser). */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';

export interface ReceivedMail { to: string; subject: string; text: string }

export interface SmtpInbox {
  url: string;
  mails: ReceivedMail[];
  /** recipients the server refuses (550), as a mailbox that does not exist */
  refused: Set<string>;
  /** the first mail to `to` whose subject contains `subject`, waited for up to 10 s */
  waitFor(to: string, subject: string): Promise<ReceivedMail>;
  close(): Promise<void>;
}

export async function startSmtpInbox(): Promise<SmtpInbox> {
  const mails: ReceivedMail[] = [];
  const refused = new Set<string>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    onRcptTo(address, _session, callback) {
      if (refused.has(address.address)) callback(Object.assign(new Error(`mailbox ${address.address} unavailable`), { responseCode: 550 }));
      else callback();
    },
    onData(stream, session, callback) {
      simpleParser(stream).then((parsed) => {
        for (const rcpt of session.envelope.rcptTo) mails.push({ to: rcpt.address, subject: parsed.subject ?? '', text: parsed.text ?? '' });
        callback();
      }, callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    refused,
    async waitFor(to, subject) {
      for (let waited = 0; waited < 10_000; waited += 50) {
        const found = mails.find((m) => m.to === to && m.subject.includes(subject));
        if (found) return found;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`no mail to ${to} about "${subject}"; received: ${mails.map((m) => `${m.to}: ${m.subject}`).join('; ') || 'nothing'}`);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
