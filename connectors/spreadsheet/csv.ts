/**
 * RFC 4180 CSV as owners' spreadsheet programs export it: UTF-8 with or without BOM, or the
 * GBK/GB18030 that Chinese Excel writes; CRLF or LF, quoted fields with commas, doubled quotes and
 * line breaks inside.
 */

/** A file's text: UTF-8 when its bytes are valid UTF-8, else GB18030 (a superset of GBK and GB2312). */
export function decodeCsv(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // GBK text is almost never valid UTF-8: its two-byte characters break UTF-8's continuation rules
    return new TextDecoder('gb18030').decode(bytes);
  }
}

export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          quoted = false;
        }
      } else {
        field += c;
      }
    } else if (c === '"' && field === '') {
      quoted = true;
    } else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += c;
    }
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/**
 * One cell as every CSV the hub writes holds it: quoted when it holds a comma, a quote or a
 * line break; and a text that a spreadsheet program would run as a formula (a leading = + - @,
 * tab or carriage return: `=HYPERLINK(…)` from an applicant's plan or an owner's record) gets a
 * leading apostrophe, so it is shown as the text it is (OWASP's CSV-injection advice).
 */
export function csvCell(value: string | number | null): string {
  const raw = value === null ? '' : String(value);
  const text = typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${raw}` : raw;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
