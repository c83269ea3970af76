import type { FakeSlack } from './index.js';

/** One alert line as a person would read it off the channel: which network, what happened. */
export interface SeenAlert {
  readonly network: string;
  readonly change: string;
  /** Where it was shown. */
  readonly form: 'thread' | 'digest';
  /** The whole line (cause words included). */
  readonly line: string;
}

/** Every text of a message's blocks (sections, fields, context), in order. */
export function blockTexts(message: { text: string; blocks?: unknown[] }): string[] {
  const texts: string[] = [];
  for (const block of message.blocks ?? []) {
    const b = block as { text?: { text?: string }; fields?: { text?: string }[]; elements?: { text?: string }[] };
    if (b.text?.text) texts.push(b.text.text);
    for (const field of b.fields ?? []) if (field.text) texts.push(field.text);
    for (const element of b.elements ?? []) if (element.text) texts.push(element.text);
  }
  return texts;
}

/**
 * Reads back every alert posted in a channel, in its latest version: thread replies under each
 * network's parent message, and the rows of burst digests.
 */
export function alertsIn(fake: FakeSlack, channel: string): SeenAlert[] {
  const seen: SeenAlert[] = [];
  for (const message of fake.messages(channel)) {
    if (message.text.startsWith('Burst')) {
      for (const text of blockTexts(message)) {
        if (!text.startsWith('```')) continue;
        for (const line of text.replace(/```/g, '').split('\n')) {
          const columns = line.trim().split(/\s{2,}/);
          // Time, Host, Network, Change, Cause; skip the header and rule lines.
          if (columns.length < 5 || !/^\d\d:\d\d:\d\dZ$/.test(columns[0] ?? '')) continue;
          seen.push({ network: columns[2] ?? '', change: columns[3] ?? '', form: 'digest', line });
        }
      }
      continue;
    }
    // A network's thread reads "lab1 on kvm1: …"; a whole host's thread "kvm1: …" (its network is "-").
    const parent = /^(?:(\S+) on )?\S+: /.exec(message.text);
    if (parent === null) continue;
    const network = parent[1] ?? '-';
    for (const reply of fake.threadReplies(channel, message.ts)) {
      for (const text of blockTexts(reply)) {
        for (const line of text.split('\n')) {
          const change = /\*([^*]+)\*/.exec(line)?.[1];
          if (change) seen.push({ network, change, form: 'thread', line });
        }
      }
    }
  }
  return seen;
}

/** The thread parent message about `network` in `channel`, if there is one. */
export function threadParentOf(fake: FakeSlack, channel: string, network: string) {
  return fake.messages(channel).find((m) => m.text.startsWith(`${network} on `));
}
