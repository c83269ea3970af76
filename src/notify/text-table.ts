/**
 * A table as padded monospace lines (for a code block): columns as wide as their widest cell, a
 * rule under the header. Cells are plain text; escaping for the platform happens afterwards, so
 * padding counts the characters a reader sees.
 */

/** Longest cell shown; longer ones end in `…` so one odd value cannot make every row wrap. */
export const MAX_CELL_WIDTH = 48;

/** The lines of a table: header, rule, then one line per row. */
export interface TableLines {
  header: string;
  rule: string;
  rows: string[];
}

/** Lays out `columns` and `rows` as padded lines. Missing cells show as empty. */
export function layoutTable(columns: readonly string[], rows: readonly (readonly string[])[]): TableLines {
  const cell = (value: string | undefined): string => {
    const oneLine = (value ?? '').replace(/\s*\n\s*/g, ' ');
    const chars = [...oneLine];
    return chars.length > MAX_CELL_WIDTH ? `${chars.slice(0, MAX_CELL_WIDTH - 1).join('')}…` : oneLine;
  };
  const cells = rows.map((row) => columns.map((_, index) => cell(row[index])));
  const header = columns.map((column) => cell(column));
  const widths = header.map((title, index) => Math.max(width(title), ...cells.map((row) => width(row[index] ?? ''))));
  const line = (values: readonly string[]): string =>
    values
      .map((value, index) =>
        index === values.length - 1 ? value : value + ' '.repeat((widths[index] ?? 0) - width(value)),
      )
      .join('  ')
      .trimEnd();
  return {
    header: line(header),
    rule: widths.map((w) => '─'.repeat(w)).join('  '),
    rows: cells.map(line),
  };
}

function width(text: string): number {
  return [...text].length;
}
