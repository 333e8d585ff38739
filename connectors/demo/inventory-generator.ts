/**
 * A deterministic, realistic inventory: the same seed gives the same instruments. Classes
 * follow the Shenzhen platform's mix (analytical ≈ 37 %, process ≈ 11 %, electronic
 * measurement ≈ 8 %, computing ≈ 8 %, physical property ≈ 7 %, other ≈ 20 %), names vary the
 * way owners write them, and it streams, so a million rows cost no memory.
 */
import { instrumentClassInfo, type InstrumentClassKey } from '../../schema/classes.ts';
import { resolveDistrict } from '../../schema/districts.ts';
import { institutionTypes, declaredStatuses, sharingModes } from '../../schema/terms.ts';
import type { CanonicalField } from '../sdk/fields.ts';
import { DEMO_INSTRUMENT_TYPES, type DemoInstrumentType } from './demo-instrument-types.ts';
import type { DemoInstitution } from './demo-institutions.ts';

export type DemoInstrumentRow = Record<CanonicalField, string | number | null> & { typeKey: string };

const CLASS_SHARES: Record<InstrumentClassKey, number> = {
  ANALYTICAL: 37, PROCESS_EXPERIMENT: 11, ELECTRONIC_MEASUREMENT: 8, COMPUTING: 8, PHYSICAL_PROPERTY: 7, OTHER: 20,
  METROLOGY: 2, MEDICAL_RESEARCH: 2, SPECIAL_TESTING: 1, NUCLEAR: 1, LASER: 1, MARINE: 0.6, GEOPHYSICAL: 0.5, ATMOSPHERIC: 0.5, ASTRONOMICAL: 0.4,
};

/** mulberry32: small, fast, and the same on every machine */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function weightedPicker<T>(items: readonly T[], weight: (item: T) => number): (r: number) => T {
  const cumulative: number[] = [];
  let total = 0;
  for (const item of items) cumulative.push((total += weight(item)));
  return (r) => {
    const x = r * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] > x) hi = mid;
      else lo = mid + 1;
    }
    return items[lo];
  };
}

const typesByClass = new Map<InstrumentClassKey, DemoInstrumentType[]>();
for (const type of DEMO_INSTRUMENT_TYPES) typesByClass.set(type.instrumentClass, [...(typesByClass.get(type.instrumentClass) ?? []), type]);
const pickClass = weightedPicker(Object.keys(CLASS_SHARES) as InstrumentClassKey[], (k) => CLASS_SHARES[k]);
const typePickers = new Map([...typesByClass].map(([k, types]) => [k, weightedPicker(types, (t) => t.weight)]));

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭', '何', '林'];
const STATUS_ZH = declaredStatuses.zh;
const SHARING_ZH = sharingModes.zh;

export interface GenerateOptions {
  seed: number;
  count: number;
  institutions: readonly DemoInstitution[];
  /** local ids are `${idPrefix}${n}` */
  idPrefix?: string;
  /** instruments bought up to this date; fixed so the inventory does not drift */
  until?: Date;
}

export function* generateInventory(options: GenerateOptions): Generator<DemoInstrumentRow> {
  const random = seededRandom(options.seed);
  const pickInstitution = weightedPicker(options.institutions, (i) => i.weight);
  const until = options.until ?? new Date(Date.UTC(2026, 5, 30));
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
  const between = (lo: number, hi: number) => lo + random() * (hi - lo);
  for (let n = 1; n <= options.count; n++) {
    const instrumentClass = pickClass(random());
    const type = typePickers.get(instrumentClass)!(random());
    const [maker, model, country] = pick(type.models);
    const institution = pickInstitution(random());
    const zhName = pick(type.zh);
    // owners write the same thing many ways: Chinese, English, with the abbreviation or the model appended
    const style = random();
    const name = style < 0.62 ? zhName
      : style < 0.72 ? `${zhName}（${type.abbreviation ?? model}）`
      : style < 0.82 ? type.en
      : style < 0.9 ? `${maker} ${model} ${zhName}`
      : `${zhName} ${model}`;
    const valueWan = Math.round(between(type.valueWan[0], type.valueWan[1]) * 100) / 100;
    const purchased = new Date(until.getTime() - Math.floor(random() * 15 * 365) * 86400_000);
    const rate = Math.round(between(type.rate[0], type.rate[1]) / 10) * 10;
    const sharingRoll = random();
    const sharing = sharingRoll < 0.62 ? 'OPEN' : sharingRoll < 0.9 ? 'INTERNAL' : 'CLOSED';
    const statusRoll = random();
    const status = statusRoll < 0.45 ? 'IN_USE' : statusRoll < 0.9 ? 'IDLE' : statusRoll < 0.97 ? 'MAINTENANCE' : 'RETIRED';
    const district = resolveDistrict(institution.district)!;
    const specs = type.specs.filter(() => random() < 0.8);
    yield {
      typeKey: type.key,
      local_id: `${options.idPrefix ?? 'DEMO-'}${String(n).padStart(6, '0')}`,
      name,
      name_en: random() < 0.7 ? type.en : null,
      model,
      manufacturer: maker,
      country,
      category: instrumentClassInfo(instrumentClass).zh,
      class_code: null,
      original_value_wan: valueWan,
      original_value: null,
      purchase_date: purchased.toISOString().slice(0, 10),
      institution: institution.name,
      institution_type: institutionTypes.zh[institution.type],
      district: district.zh,
      address: `${institution.address}${pick(['A', 'B', 'C', 'D'])}栋${Math.floor(between(1, 9))}${String(Math.floor(between(1, 30))).padStart(2, '0')}室`,
      sharing: SHARING_ZH[sharing],
      status: STATUS_ZH[status],
      external_rate: sharing === 'CLOSED' ? null : rate,
      internal_rate: Math.round(rate * 0.5),
      contact_name: `${pick(SURNAMES)}老师`,
      contact_phone: `0755-${String(Math.floor(between(20000000, 89999999)))}`,
      contact_email: `lab${n % 997}@example.org.cn`,
      specs: specs.length ? specs.join('；') : null,
      functions: type.functions,
      latitude: Math.round((district.lat + between(-0.02, 0.02)) * 1e5) / 1e5,
      longitude: Math.round((district.lng + between(-0.02, 0.02)) * 1e5) / 1e5,
      updated_at: null,
    };
  }
}

/** The three demo sources' rows: a university asset DB, a rental catalogue, a spreadsheet. */
export function demoInventory(institutions: readonly DemoInstitution[], seed = 20261124) {
  const of = (role: DemoInstitution['source']) => institutions.filter((i) => i.source === role);
  return {
    university: [...generateInventory({ seed, count: 650, institutions: of('university'), idPrefix: 'SZU-' })],
    rental: [...generateInventory({ seed: seed + 1, count: 450, institutions: of('rental'), idPrefix: 'RL-' })],
    sheet: [...generateInventory({ seed: seed + 2, count: 1050, institutions: of('sheet'), idPrefix: 'SI-' })],
  };
}
