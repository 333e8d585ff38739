/**
 * The national six-digit class code (仪器分类编码, shared/reference/nrii-instrument-classes.csv)
 * an instrument is reported under. Until instruments carry their own code, the hub's class is
 * reported as its national top-level code; the national list orders the top classes
 * differently from the hub's enum (天文仪器 is 080000, 激光器 140000), hence a table, not the
 * enum's position.
 */
import type { InstrumentClassKey } from '../../../schema/classes.ts';

const TOP_LEVEL_CODES: Record<InstrumentClassKey, string> = {
  ANALYTICAL: '010000',
  PHYSICAL_PROPERTY: '020000',
  METROLOGY: '030000',
  ELECTRONIC_MEASUREMENT: '040000',
  MARINE: '050000',
  GEOPHYSICAL: '060000',
  ATMOSPHERIC: '070000',
  ASTRONOMICAL: '080000',
  MEDICAL_RESEARCH: '090000',
  NUCLEAR: '100000',
  SPECIAL_TESTING: '110000',
  PROCESS_EXPERIMENT: '120000',
  COMPUTING: '130000',
  LASER: '140000',
  OTHER: '990000',
};

export function nationalClassCode(instrumentClass: InstrumentClassKey): string {
  return TOP_LEVEL_CODES[instrumentClass];
}
