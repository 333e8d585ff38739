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
}

export interface InstitutionRow {
  id: string;
  name: string;
  name_key: string;
  type: string;
  district: string | null;
}
