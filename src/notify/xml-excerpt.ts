/**
 * How network XML appears in a message: the first lines as a code block, and a note when there is
 * more (pointing at the attached file when the caller attached one).
 */
import type { MessageBlock } from './message.js';

/** Lines of XML shown in a message; longer XML is cut here (the caller may attach the whole file). */
export const XML_EXCERPT_LINES = 40;

/** The XML as a code block, cut to {@link XML_EXCERPT_LINES} lines with a note saying what happened to the rest. */
export function xmlBlocks(xml: string, attached = false): MessageBlock[] {
  const lines = xml.replace(/\s+$/, '').split('\n');
  if (lines.length <= XML_EXCERPT_LINES) return [{ kind: 'code', text: lines.join('\n') }];
  const shown = `Showing the first ${XML_EXCERPT_LINES} of ${lines.length} lines`;
  return [
    { kind: 'code', text: lines.slice(0, XML_EXCERPT_LINES).join('\n') },
    {
      kind: 'context',
      elements: [
        attached ? `${shown}; full XML attached.` : `${shown}; …(truncated) the rest did not fit in the message.`,
      ],
    },
  ];
}
