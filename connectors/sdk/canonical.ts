/**
 * The canonical instrument record every connector delivers, and the one function that turns
 * an owner's mapped record into it. The same function checks what a connector sends to the
 * hub, so it accepts both owners' wording (在用, 分析仪器, 万元) and canonical values.
 */
import type { InstrumentClassKey } from '../../schema/classes.ts';
import { inferInstrumentClass } from '../../schema/class-inference.ts';
import { resolveNationalClass } from '../../schema/national-classes.ts';
import { resolveDistrict } from '../../schema/districts.ts';
import { declaredStatuses, institutionTypes, sharingModes, type DeclaredStatus, type InstitutionType, type SharingMode } from '../../schema/terms.ts';
import type { CanonicalField } from './fields.ts';
import type { SourceRecord } from './contract.ts';

export interface CanonicalInstitution {
  name: string;
  type: InstitutionType;
  district: string | null;
}

export interface CanonicalInstrument {
  localId: string;
  name: string;
  nameEn: string | null;
  model: string | null;
  manufacturer: string | null;
  country: string | null;
  instrumentClass: InstrumentClassKey;
  /** the national six-digit class code (仪器分类编码), as specific as the owner gave or the hub inferred */
  classCode: string;
  /** the owner named no national class: the class was inferred from what the instrument is */
  classInferred: boolean;
  /** the owner's own category text, as written */
  ownerCategory: string | null;
  /** yuan, two decimals, as a string so no float ever touches money */
  originalValue: string | null;
  purchaseDate: string | null;
  institution: CanonicalInstitution;
  district: string | null;
  address: string | null;
  sharing: SharingMode;
  declaredStatus: DeclaredStatus;
  externalRate: string | null;
  internalRate: string | null;
  contactName: string | null;
  contactPhone: string | null;
  contactEmail: string | null;
  specs: string | null;
  functions: string | null;
  latitude: number | null;
  longitude: number | null;
  extra: Record<string, string>;
  updatedAt: string | null;
}

export interface FieldProblem {
  ref: string;
  field: string;
  reason: string;
  /** the record's local id when it could be read, so the hub keeps its previous version */
  localId?: string;
}

export type NormalizeResult =
  | { ok: true; instrument: CanonicalInstrument }
  | { ok: false; problems: FieldProblem[] };

export interface NormalizeDefaults {
  institution?: string;
  institutionType?: InstitutionType;
  district?: string;
  sharing?: SharingMode;
  declaredStatus?: DeclaredStatus;
}

const MAX_TEXT = 4000;

function text(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  const s = String(value).replace(/\s+/g, ' ').trim();
  return s === '' ? null : s.slice(0, MAX_TEXT);
}

/** Parse a money amount written by a person ("1,234.5", "¥300", 286.5) into cents. */
export function parseMoneyCents(value: unknown): bigint | null | 'invalid' {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) return 'invalid';
    return BigInt(Math.round(value * 100));
  }
  const s = String(value).replace(/[,，\s¥￥元]/g, '');
  if (s === '') return null;
  const m = /^(\d+)(?:\.(\d{1,6}))?$/.exec(s);
  if (!m) return 'invalid';
  const frac = (m[2] ?? '').padEnd(6, '0');
  // round half up on the third decimal
  const cents = BigInt(m[1]) * 100n + BigInt(frac.slice(0, 2)) + (Number(frac[2]) >= 5 ? 1n : 0n);
  return cents;
}

export function centsToDecimal(cents: bigint): string {
  const whole = cents / 100n;
  const frac = (cents % 100n).toString().padStart(2, '0');
  return `${whole}.${frac}`;
}

/** 万元 → yuan, exactly: 286.5 万元 is 2,865,000.00 yuan. */
function wanToCents(value: unknown): bigint | null | 'invalid' {
  if (value === null || value === undefined || value === '') return null;
  const s = typeof value === 'number' ? value.toFixed(6) : String(value).replace(/[,，\s万元]/g, '');
  if (s === '') return null;
  const m = /^(\d+)(?:\.(\d{1,6}))?$/.exec(s);
  if (!m) return 'invalid';
  const frac = (m[2] ?? '').padEnd(6, '0');
  return BigInt(m[1]) * 1_000_000n + BigInt(frac);
}

/** Dates as owners write them: 2019-06-18, 2019/6/18, 2019.06.18, 2019-06, or a Date from a sheet. */
export function parseDate(value: unknown): string | null | 'invalid' {
  if (value === null || value === undefined || value === '') return null;
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return 'invalid';
    return value.toISOString().slice(0, 10);
  }
  const s = String(value).trim();
  const m = /^(\d{4})[-/.年](\d{1,2})(?:[-/.月](\d{1,2})日?)?$/.exec(s);
  if (!m) return 'invalid';
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = m[3] ? Number(m[3]) : 1;
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d || y < 1950 || y > 2100) return 'invalid';
  return date.toISOString().slice(0, 10);
}

function coordinate(value: unknown, min: number, max: number): number | null | 'invalid' {
  if (value === null || value === undefined || value === '') return null;
  const n = typeof value === 'number' ? value : Number(String(value).trim());
  return Number.isFinite(n) && n >= min && n <= max ? n : 'invalid';
}

/** Check and convert one mapped record; every problem is reported with its field, not just the first. */
/** the most characters one text field of an imported record (or a plan's cell) may hold */
export const MAX_TEXT_FIELD_CHARS = 4000;

/** why a value is too long to import, or null */
export function textTooLong(value: unknown): string | null {
  return typeof value === 'string' && value.length > MAX_TEXT_FIELD_CHARS
    ? `${value.length.toLocaleString('en-US')} characters; a text field holds at most ${MAX_TEXT_FIELD_CHARS.toLocaleString('en-US')}`
    : null;
}

export function normalizeRecord(record: SourceRecord, defaults: NormalizeDefaults = {}): NormalizeResult {
  const v = record.values;
  const problems: FieldProblem[] = [];
  const problem = (field: CanonicalField, reason: string) => problems.push({ ref: record.ref, field, reason });
  // an oversized cell is refused with the row, never imported whole nor cut silently
  for (const [field, value] of [...Object.entries(v), ...Object.entries(record.extra ?? {})]) {
    const tooLong = textTooLong(value);
    if (tooLong) problems.push({ ref: record.ref, field, reason: tooLong });
  }

  const localId = text(v.local_id);
  if (!localId) problem('local_id', 'missing required value');
  else if (localId.length > 200) problem('local_id', 'longer than 200 characters');
  const name = text(v.name);
  if (!name) problem('name', 'missing required value');

  // never a reason to reject a row: a class code or category the national list does not know,
  // or none at all, and the class is inferred from what the instrument is
  const classCodeText = text(v.class_code);
  const categoryText = text(v.category);
  const coded = classCodeText ? resolveNationalClass(classCodeText) : null;
  const ownerCategory = categoryText ?? (coded ? null : classCodeText);
  const classification = coded
    ? { classKey: coded.classKey, classCode: coded.code, inferred: false }
    : inferInstrumentClass({ name: name ?? '', nameEn: text(v.name_en), model: text(v.model), ownerCategory });

  const institutionName = text(v.institution) ?? defaults.institution ?? null;
  if (!institutionName) problem('institution', 'missing required value');

  const enumValue = <K extends string>(field: CanonicalField, map: { resolve(s: string): K | null }, fallback: K): K => {
    const raw = text(v[field]);
    if (!raw) return fallback;
    const resolved = map.resolve(raw);
    if (!resolved) {
      problem(field, `unknown value "${raw}"`);
      return fallback;
    }
    return resolved;
  };
  const institutionType = enumValue('institution_type', institutionTypes, defaults.institutionType ?? 'OTHER');
  const sharing = enumValue('sharing', sharingModes, defaults.sharing ?? 'CLOSED');
  const declaredStatus = enumValue('status', declaredStatuses, defaults.declaredStatus ?? 'IDLE');

  let district: string | null = null;
  const districtText = text(v.district) ?? defaults.district ?? null;
  if (districtText) {
    const d = resolveDistrict(districtText);
    if (!d) problem('district', `unknown district "${districtText}"`);
    else district = d.zh;
  }

  const money = (field: CanonicalField, cents: bigint | null | 'invalid'): string | null => {
    if (cents === 'invalid') {
      problem(field, `not a non-negative amount: "${text(v[field])}"`);
      return null;
    }
    return cents === null ? null : centsToDecimal(cents);
  };
  const originalValue = v.original_value !== undefined && v.original_value !== null && v.original_value !== ''
    ? money('original_value', parseMoneyCents(v.original_value))
    : money('original_value_wan', wanToCents(v.original_value_wan));
  const externalRate = money('external_rate', parseMoneyCents(v.external_rate));
  const internalRate = money('internal_rate', parseMoneyCents(v.internal_rate));

  const purchaseDate = parseDate(v.purchase_date);
  if (purchaseDate === 'invalid') problem('purchase_date', `not a date: "${text(v.purchase_date)}"`);

  const latitude = coordinate(v.latitude, -90, 90);
  if (latitude === 'invalid') problem('latitude', `not a latitude: "${text(v.latitude)}"`);
  const longitude = coordinate(v.longitude, -180, 180);
  if (longitude === 'invalid') problem('longitude', `not a longitude: "${text(v.longitude)}"`);

  let updatedAt: string | null = null;
  if (v.updated_at !== null && v.updated_at !== undefined && v.updated_at !== '') {
    const d = v.updated_at instanceof Date ? v.updated_at : new Date(String(v.updated_at));
    if (Number.isNaN(d.getTime())) problem('updated_at', `not a timestamp: "${text(v.updated_at)}"`);
    else updatedAt = d.toISOString();
  }

  const email = text(v.contact_email);
  if (email && !/^[^\s@]+@[^\s@]+$/.test(email)) problem('contact_email', `not an e-mail address: "${email}"`);

  if (problems.length > 0 || !localId || !name || !institutionName) {
    return { ok: false, problems: localId ? problems.map((p) => ({ ...p, localId })) : problems };
  }
  return {
    ok: true,
    instrument: {
      localId,
      name,
      nameEn: text(v.name_en),
      model: text(v.model),
      manufacturer: text(v.manufacturer),
      country: text(v.country),
      instrumentClass: classification.classKey,
      classCode: classification.classCode,
      classInferred: classification.inferred,
      ownerCategory,
      originalValue,
      purchaseDate: purchaseDate as string | null,
      institution: { name: institutionName, type: institutionType, district },
      district,
      address: text(v.address),
      sharing,
      declaredStatus,
      externalRate,
      internalRate,
      contactName: text(v.contact_name),
      contactPhone: text(v.contact_phone),
      contactEmail: email,
      specs: text(v.specs),
      functions: text(v.functions),
      latitude: latitude as number | null,
      longitude: longitude as number | null,
      extra: record.extra ?? {},
      updatedAt,
    },
  };
}

/** A canonical instrument as a SourceRecord again, so the hub re-checks what a connector sends. */
export function canonicalToRecord(instrument: CanonicalInstrument): SourceRecord {
  return {
    ref: `instrument ${instrument.localId}`,
    values: {
      local_id: instrument.localId, name: instrument.name, name_en: instrument.nameEn, model: instrument.model,
      manufacturer: instrument.manufacturer, country: instrument.country,
      // an inferred class is inferred again from the same words; a given one is sent as given
      // (a connector that predates class codes sends only the class)
      category: instrument.ownerCategory,
      class_code: instrument.classInferred ? null : instrument.classCode ?? instrument.instrumentClass,
      original_value: instrument.originalValue, purchase_date: instrument.purchaseDate,
      institution: instrument.institution.name, institution_type: instrument.institution.type,
      district: instrument.district ?? instrument.institution.district, address: instrument.address,
      sharing: instrument.sharing, status: instrument.declaredStatus, external_rate: instrument.externalRate,
      internal_rate: instrument.internalRate, contact_name: instrument.contactName, contact_phone: instrument.contactPhone,
      contact_email: instrument.contactEmail, specs: instrument.specs, functions: instrument.functions,
      latitude: instrument.latitude, longitude: instrument.longitude, updated_at: instrument.updatedAt,
    },
    extra: instrument.extra,
  };
}
