/**
 * An annual procurement plan (年度采购计划) as institutions keep it: CSV or XLSX, one planned
 * purchase a row, Chinese or English headers, budget in 元 or 万元 as the header says. Broken
 * rows are reported by row and field; the rest are checked.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseCsv } from '../../../connectors/spreadsheet/csv.ts';
import { textTooLong } from '../../../connectors/sdk/canonical.ts';
import { readXlsx, type CellValue } from '../../../connectors/spreadsheet/xlsx.ts';
import type { InstrumentClassKey } from '../../../schema/classes.ts';
import { resolveNationalClass } from '../../../schema/national-classes.ts';
import { institutionIdFor } from '../../registry/institution-identity.ts';

export type PlanField = 'name' | 'model' | 'manufacturer' | 'instrumentClass' | 'budgetYuan' | 'budgetWan' | 'institution' | 'district' | 'specs';

const HEADERS: Record<PlanField, string[]> = {
  name: ['名称', '仪器名称', '设备名称', '拟购仪器名称', '拟购设备名称', 'name'],
  model: ['型号', '规格型号', '规格', 'model'],
  manufacturer: ['生产厂商', '生产厂家', '厂家', '厂商', '品牌', 'manufacturer', 'maker'],
  instrumentClass: ['分类', '仪器分类', '类别', 'class', 'instrumentclass', 'instrument_class'],
  budgetYuan: ['预算', '预算（元）', '预算金额（元）', '预算金额', '金额（元）', 'budget', 'budget_yuan', 'budgetyuan'],
  budgetWan: ['预算（万元）', '预算金额（万元）', '金额（万元）', 'budget_wan', 'budgetwan'],
  institution: ['购置单位', '申请单位', '单位', '所属单位', 'institution', 'buyer'],
  district: ['所在区', '区', 'district'],
  specs: ['主要技术指标', '技术指标', '技术参数', 'specs'],
};

const headerKey = (text: string) => text.normalize('NFKC').replace(/\s+/g, '').toLowerCase();
const FIELD_OF = new Map<string, PlanField>();
for (const [field, names] of Object.entries(HEADERS) as Array<[PlanField, string[]]>) for (const n of names) FIELD_OF.set(headerKey(n), field);

export interface PlanItem {
  /** the row in the file, counting the header as row 1 */
  row: number;
  input: {
    name: string;
    model: string | null;
    manufacturer: string | null;
    instrumentClass: InstrumentClassKey | null;
    /** yuan, two decimals */
    budget: string;
    institutionId: string | null;
    district: string | null;
    specs: string | null;
  };
  institutionName: string | null;
}

export interface PlanProblem { row: number; field: string; message: string }

export class PlanFileError extends Error {}

function text(cell: CellValue | string | undefined): string {
  if (cell === null || cell === undefined) return '';
  return (cell instanceof Date ? cell.toISOString().slice(0, 10) : String(cell)).trim();
}

/** a plan holds at most 2,000 items: a file far larger than that is not a plan */
export const MAX_PLAN_FILE_BYTES = 10 * 1_048_576;

async function readCells(file: string): Promise<Array<Array<CellValue | string>>> {
  const extension = path.extname(file).toLowerCase();
  const size = statSync(file).size;
  if (size > MAX_PLAN_FILE_BYTES) throw new PlanFileError(`${file}: ${(size / 1_048_576).toFixed(1)} MB; a plan file holds at most ${MAX_PLAN_FILE_BYTES / 1_048_576} MB`);
  if (extension === '.csv') return parseCsv(readFileSync(file, 'utf8'));
  if (extension === '.xlsx') return readXlsx(file);
  throw new PlanFileError(`${file}: a plan is a .csv or .xlsx file, not "${extension || 'no extension'}"`);
}

/** yuan as a two-decimal string, or why not */
function parseBudget(value: string, wan: boolean): string | { problem: string } {
  const cleaned = value.replace(/[,，\s¥￥元]/g, '').replace(/万$/, '');
  if (!/^-?\d+(\.\d+)?$/.test(cleaned)) return { problem: `"${value}" is not a number of ${wan ? '万元' : '元'}` };
  const yuan = Number(cleaned) * (wan || /万$/.test(value.trim()) ? 10_000 : 1);
  if (!(yuan > 0)) return { problem: `"${value}" is not a positive amount` };
  return yuan.toFixed(2);
}

export async function readPlanFile(file: string): Promise<{ items: PlanItem[]; problems: PlanProblem[] }> {
  let cells: Array<Array<CellValue | string>>;
  try {
    cells = await readCells(file);
  } catch (error) {
    if (error instanceof PlanFileError) throw error;
    throw new PlanFileError(`${file}: cannot be read: ${error instanceof Error ? error.message : String(error)}`);
  }
  const headerRow = cells.findIndex((row) => row.some((c) => text(c) !== ''));
  if (headerRow < 0) throw new PlanFileError(`${file}: is empty`);
  const columns = new Map<PlanField, number>();
  cells[headerRow].forEach((cell, column) => {
    const field = FIELD_OF.get(headerKey(text(cell)));
    if (field && !columns.has(field)) columns.set(field, column);
  });
  const found = cells[headerRow].map(text).filter(Boolean).join(', ');
  if (!columns.has('name')) throw new PlanFileError(`${file}: no column for the instrument's name (名称 / 仪器名称 / name); the header has: ${found}`);
  if (!columns.has('budgetYuan') && !columns.has('budgetWan')) throw new PlanFileError(`${file}: no budget column (预算（元） / 预算（万元） / budget); the header has: ${found}`);

  const items: PlanItem[] = [];
  const problems: PlanProblem[] = [];
  for (let r = headerRow + 1; r < cells.length; r++) {
    const row = r + 1;
    const get = (field: PlanField) => (columns.has(field) ? text(cells[r][columns.get(field)!]) : '');
    if (cells[r].every((c) => text(c) === '')) continue;
    const oversized = [...columns].map(([field, column]) => [field, textTooLong(text(cells[r][column]))] as const).find(([, tooLong]) => tooLong);
    if (oversized) {
      problems.push({ row, field: oversized[0], message: oversized[1]! });
      continue;
    }
    const name = get('name');
    if (!name) {
      problems.push({ row, field: 'name', message: 'the planned instrument has no name' });
      continue;
    }
    const wan = columns.has('budgetWan');
    const budgetText = wan ? get('budgetWan') : get('budgetYuan');
    if (!budgetText) {
      problems.push({ row, field: 'budget', message: `${name}: no budget` });
      continue;
    }
    const budget = parseBudget(budgetText, wan);
    if (typeof budget !== 'string') {
      problems.push({ row, field: 'budget', message: `${name}: ${budget.problem}` });
      continue;
    }
    const classText = get('instrumentClass');
    const instrumentClass = classText ? resolveNationalClass(classText)?.classKey ?? null : null;
    if (classText && !instrumentClass) {
      problems.push({ row, field: 'class', message: `${name}: "${classText}" is not a national instrument class (e.g. 分析仪器, 020000, 扫描电镜, ANALYTICAL)` });
      continue;
    }
    const institutionName = get('institution') || null;
    const orNull = (field: PlanField) => get(field) || null;
    items.push({
      row,
      institutionName,
      input: {
        name, model: orNull('model'), manufacturer: orNull('manufacturer'), instrumentClass, budget,
        institutionId: institutionName ? institutionIdFor(institutionName) : null, district: orNull('district'), specs: orNull('specs'),
      },
    });
  }
  return { items, problems };
}
