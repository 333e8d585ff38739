/**
 * The national instrument class code list (仪器分类编码), all three levels: 15 top classes, 104
 * second- and 631 third-level ones, kept as data in thesaurus/nrii-instrument-classes.csv (the
 * national platform's list, codes and names unchanged; the thesaurus files each kind of instrument
 * under one of its codes).
 *
 * Owners write a class as a code at any level (010000, 010100, 010102), as a code a spreadsheet
 * program shortened (10102 for 010102; 01 and 0101 for their levels), as a name at any level
 * (分析仪器, 电子光学仪器, 扫描电镜) or as the API's enum key; `resolveNationalClass` reads them all.
 *
 *   resolveNationalClass('扫描电镜') → { code: '010102', name: '扫描电镜', level: 3, classKey: 'ANALYTICAL', … }
 */
import { readFileSync } from 'node:fs';
import { INSTRUMENT_CLASSES, type InstrumentClassKey } from './classes.ts';

export interface NationalClass {
  /** six digits, e.g. "010102" */
  code: string;
  name: string;
  level: 1 | 2 | 3;
  parentCode: string | null;
  /** the top class it belongs to */
  classKey: InstrumentClassKey;
}

const CSV_URL = new URL('./thesaurus/nrii-instrument-classes.csv', import.meta.url);

function readNationalClasses(): NationalClass[] {
  const keyByTopCode = new Map(INSTRUMENT_CLASSES.map((c) => [c.code, c.key]));
  const lines = readFileSync(CSV_URL, 'utf8').split(/\r?\n/).filter((line) => line.trim() !== '');
  const classes = new Map<string, NationalClass>();
  lines.slice(1).forEach((line, index) => {
    const where = `${CSV_URL.pathname} line ${index + 2}`;
    const cells = line.split(',');
    const [code, name, parentCode, level] = cells;
    if (cells.length !== 4 || !/^\d{6}$/.test(code) || !name || !/^[123]$/.test(level)) throw new Error(`${where}: expected code,name,parent_code,level, got "${line}"`);
    const classKey = keyByTopCode.get(`${code.slice(0, 2)}0000`);
    if (!classKey) throw new Error(`${where}: ${code} is under no top class of schema/classes.ts`);
    // the list repeats a few codes (990000 其他仪器 also as 其他 at level 2, 030900 电子学计量仪器 also
    // as 其他, and "其他" lines that are their own parent): a code means its first entry
    if (!classes.has(code)) classes.set(code, { code, name, level: Number(level) as 1 | 2 | 3, parentCode: parentCode || null, classKey });
  });
  return [...classes.values()];
}

export const NATIONAL_CLASSES: readonly NationalClass[] = readNationalClasses();

const byCode = new Map(NATIONAL_CLASSES.map((c) => [c.code, c]));

/** How names are compared: full-width forms folded, spaces dropped, Latin lower-cased. */
export function nationalNameKey(text: string): string {
  return text.normalize('NFKC').replace(/\s+/g, '').toLowerCase();
}

/**
 * Name → class. A name listed at several levels of one top class (计算机 is 130100 and 130101) is
 * its most specific entry; a name listed under two top classes (频谱分析仪: 030905 and 040108) names
 * neither, so what the instrument is decides (class-inference.ts).
 */
const byName = new Map<string, NationalClass | null>();
for (const c of NATIONAL_CLASSES) {
  const key = nationalNameKey(c.name);
  const known = byName.get(key);
  if (known === undefined) byName.set(key, c);
  else if (known !== null && known.classKey !== c.classKey) byName.set(key, null);
  else if (known !== null && c.level > known.level) byName.set(key, c);
}
// the top classes by every name the hub knows them by: 激光器 (also a second- and third-level name)
// names the class, and 其他 alone means 其他仪器, not one of the 99 "其他" below a class
for (const top of INSTRUMENT_CLASSES) {
  for (const name of [top.key, top.zh, top.en, ...top.aliases]) byName.set(nationalNameKey(name), byCode.get(top.code)!);
}

export function nationalClassByCode(code: string): NationalClass | undefined {
  return byCode.get(code);
}

/** The six-digit code meant by a run of digits: 10102 lost its leading zero, 01 and 0101 are levels cut short. */
function fullCode(digits: string): string {
  const even = digits.length % 2 === 1 ? `0${digits}` : digits;
  return even.padEnd(6, '0');
}

/** The national class an owner's value names (a code or a name at any level, or an enum key), or null. */
export function resolveNationalClass(value: string | number): NationalClass | null {
  const text = String(value).normalize('NFKC').trim();
  if (text === '') return null;
  // a code alone, or a full code before its name ("010102 扫描电镜")
  const code = /^(\d{1,6})$/.exec(text) ?? /^(\d{6})(?!\d)/.exec(text);
  if (code) {
    const found = byCode.get(fullCode(code[1]));
    if (found) return found;
  }
  return byName.get(nationalNameKey(text)) ?? null;
}
