/**
 * The national class of an instrument whose owner gave none, or one the national list does not
 * know: from what the instrument is. The thesaurus types recognised in its name, English name or
 * model (else in the owner's own category) give the top class; the national class names found in
 * those words, or in the recognised type's Chinese names, give the most specific code inside it
 * ("场发射扫描电镜" holds 扫描电镜, 010102). An instrument nothing recognises is OTHER.
 *
 *   inferInstrumentClass({ name: 'Field Emission SEM' }) → { classKey: 'ANALYTICAL', classCode: '010102', inferred: true }
 *   inferInstrumentClass({ name: '某设备', ownerCategory: '010102' }) → { classKey: 'ANALYTICAL', classCode: '010102', inferred: false }
 */
import { instrumentClassInfo, type InstrumentClassKey } from './classes.ts';
import { recognizeInstrumentTypes } from './instrument-type-recognition.ts';
import { instrumentTypeByKey, type InstrumentType } from './instrument-types.ts';
import { NATIONAL_CLASSES, nationalClassByCode, nationalNameKey, resolveNationalClass } from './national-classes.ts';

export interface InstrumentDescription {
  name: string;
  nameEn?: string | null;
  model?: string | null;
  /** the owner's own category: a national class when it names one, else a hint */
  ownerCategory?: string | null;
}

export interface InstrumentClassification {
  classKey: InstrumentClassKey;
  /** the national six-digit code, as specific as known */
  classCode: string;
  /** true when the owner's category named no national class and the class was inferred */
  inferred: boolean;
}

// "其他" (99 of them, one under each class) says nothing about what an instrument is
const NAMED_CLASSES = NATIONAL_CLASSES
  .filter((c) => c.name !== '其他')
  .map((c) => ({ national: c, key: nationalNameKey(c.name) }));
type Named = (typeof NAMED_CLASSES)[number];

const CJK = /[\u3400-\u9fff]/;

function better(a: Named | undefined, b: Named | undefined): Named | undefined {
  if (!a || !b) return a ?? b;
  return b.key.length > a.key.length || (b.key.length === a.key.length && b.national.level > a.national.level) ? b : a;
}

/** The longest national class name inside the texts (the deeper one on a tie), of the class when one is known. */
function mostSpecificNamed(texts: readonly string[], classKey: InstrumentClassKey | undefined): Named | undefined {
  // the national names are Chinese: a text without a Chinese character holds none of them
  const keys = texts.filter((t) => CJK.test(t)).map(nationalNameKey);
  if (keys.length === 0) return undefined;
  let best: Named | undefined;
  for (const named of NAMED_CLASSES) {
    if (classKey && named.national.classKey !== classKey) continue;
    if (keys.some((k) => k.includes(named.key))) best = better(best, named);
  }
  return best;
}

/** The national class named inside a type's own Chinese names (扫描电镜 in 场发射扫描电镜), once per type. */
const namedByType = new Map<string, Named | undefined>();
function namedInType(type: InstrumentType): Named | undefined {
  if (!namedByType.has(type.key)) namedByType.set(type.key, mostSpecificNamed([type.zh, ...type.zhVariants], type.instrumentClass));
  return namedByType.get(type.key);
}

function firstRecognizedType(texts: readonly string[]): InstrumentType | undefined {
  for (const text of texts) {
    // recognition lists the longest match first: 场发射扫描电镜 is FE_SEM before anything shorter
    for (const found of recognizeInstrumentTypes(text, { fromRecord: true })) {
      const type = instrumentTypeByKey(found.key);
      if (type) return type;
    }
  }
  return undefined;
}

export function inferInstrumentClass(instrument: InstrumentDescription): InstrumentClassification {
  const category = instrument.ownerCategory?.trim() || null;
  const given = category ? resolveNationalClass(category) : null;
  if (given) return { classKey: given.classKey, classCode: given.code, inferred: false };

  const ownWords = [instrument.name, instrument.nameEn, instrument.model].filter((t): t is string => !!t && t.trim() !== '');
  const type = firstRecognizedType(ownWords) ?? (category ? firstRecognizedType([category]) : undefined);
  const named = better(mostSpecificNamed([...ownWords, ...(category ? [category] : [])], type?.instrumentClass), type && namedInType(type))?.national;
  // the thesaurus gives most kinds their national code; a national name in the record's own words may say more
  const national = type?.classCode ? nationalClassByCode(type.classCode) : undefined;
  const typeCode = national?.classKey === type?.instrumentClass ? national : undefined;
  if (type) return { classKey: type.instrumentClass, classCode: (typeCode && (!named || named.level <= typeCode.level) ? typeCode : named)?.code ?? instrumentClassInfo(type.instrumentClass).code, inferred: true };
  if (named) return { classKey: named.classKey, classCode: named.code, inferred: true };
  return { classKey: 'OTHER', classCode: instrumentClassInfo('OTHER').code, inferred: true };
}
