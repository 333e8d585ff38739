/**
 * What each demo instrument really is, from the generator rather than the index, for the
 * labelled evaluations of search and of duplicate-purchase review.
 */
import { DEMO_INSTITUTIONS } from './demo-institutions.ts';
import { demoInventory, type DemoInstrumentRow } from './inventory-generator.ts';
import { instrumentTypeByKey } from '../../schema/instrument-types.ts';

export interface DemoTruth { id: string; row: DemoInstrumentRow }

export function demoTruth(): DemoTruth[] {
  const inventory = demoInventory(DEMO_INSTITUTIONS);
  return [
    ...inventory.university.map((row) => ({ id: `szu:${row.local_id}`, row })),
    ...inventory.rental.map((row) => ({ id: `rentlab:${row.local_id}`, row })),
    ...inventory.sheet.map((row) => ({ id: `smallinst:${row.local_id}`, row })),
  ];
}

/** Instruments of a type, or of a narrower type that does the same work (an FE-SEM for an SEM). */
export function instrumentsOfType(truth: readonly DemoTruth[], type: string): Set<string> {
  return new Set(truth.filter(({ row }) => row.typeKey === type || instrumentTypeByKey(row.typeKey)?.broader === type).map((t) => t.id));
}
