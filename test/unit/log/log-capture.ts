import type { DestinationStream } from 'pino';

/** A pino destination that keeps every written line, raw and parsed. */
export function captureLog(): DestinationStream & { readonly lines: string[]; entries(): Record<string, unknown>[] } {
  const lines: string[] = [];
  return {
    lines,
    write(line: string) {
      lines.push(line);
    },
    entries: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
