/** Row shapes of the catalog's tables, as knex returns them. */
export interface InstrumentRow {
  id: string;
  source_id: string;
  local_id: string;
  name: string;
  name_en: string | null;
  model: string | null;
  manufacturer: string | null;
  country: string | null;
  instrument_class: string;
  class_code: string | null;
  class_inferred: boolean;
  owner_category: string | null;
  original_value: string | null;
  purchase_date: Date | string | null;
  institution_id: string;
  district: string | null;
  address: string | null;
  sharing: string;
  declared_status: string;
  external_rate: string | null;
  internal_rate: string | null;
  contact_name: string | null;
  contact_phone: string | null;
  contact_email: string | null;
  specs: string | null;
  functions: string | null;
  latitude: number | null;
  longitude: number | null;
  extra: Record<string, string>;
  source_updated_at: Date | null;
  harvested_at: Date;
  type_keys: string[];
  /** the model (else the name) as letters and digits, lower case: the index's own column (search/migrations.ts) */
  model_key: string;
}

// every column of InstrumentRow (the compiler checks none is missing or extra), so reads leave out
// the search index's own columns: terms and vector are a kilobyte a row that no resolver reads
const INSTRUMENT_COLUMN_SET = {
  id: true, source_id: true, local_id: true, name: true, name_en: true, model: true, manufacturer: true, country: true,
  instrument_class: true, class_code: true, class_inferred: true, owner_category: true, original_value: true, purchase_date: true, institution_id: true, district: true, address: true,
  sharing: true, declared_status: true, external_rate: true, internal_rate: true, contact_name: true, contact_phone: true,
  contact_email: true, specs: true, functions: true, latitude: true, longitude: true, extra: true, source_updated_at: true,
  harvested_at: true, type_keys: true, model_key: true,
} satisfies Record<keyof InstrumentRow, true>;

export const INSTRUMENT_COLUMNS: readonly string[] = Object.keys(INSTRUMENT_COLUMN_SET);

export interface InstitutionRow {
  id: string;
  name: string;
  name_key: string;
  type: string;
  district: string | null;
}
