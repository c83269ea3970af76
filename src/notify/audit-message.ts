/** `/vnet audit`: the latest audit log entries as a table. */
import type { Message } from './message.js';
import { isoMinute } from './mrkdwn-text.js';

/** One audit entry as the audit message shows it. */
export interface AuditEntryView {
  id: string;
  /** When, ms since epoch. */
  at: number;
  /** Slack user id (or `vnetops` for the bot itself). */
  actor: string;
  action: string;
  command?: string;
  hostId?: string;
  network?: string;
  jobId?: string;
  uuid?: string;
  outcome?: string;
  detail?: string;
}

/** The entries (newest first, as given) as a table. */
export function auditMessage(entries: AuditEntryView[]): Message {
  if (entries.length === 0)
    return { text: 'The audit log is empty', blocks: [{ kind: 'section', text: 'The audit log is empty.' }] };
  // Actors are shown as ids: a mention cannot work inside the monospace table.
  const rows = entries.map((entry) => [
    isoMinute(entry.at),
    entry.actor,
    entry.action,
    entry.hostId ?? '-',
    entry.network ?? '-',
    entry.jobId ?? '-',
    [entry.outcome, entry.detail].filter((part) => part !== undefined && part !== '').join(': ') || '-',
    entry.command ?? '-',
  ]);
  return {
    text: `The last ${entries.length} audit log entr${entries.length === 1 ? 'y' : 'ies'}`,
    blocks: [
      {
        kind: 'section',
        text: `*Audit log*: the last ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}, newest first`,
      },
      { kind: 'table', columns: ['When', 'Who', 'Action', 'Host', 'Network', 'Job', 'Outcome', 'Command'], rows },
    ],
  };
}
