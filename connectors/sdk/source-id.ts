/**
 * Source ids name a source everywhere: in instrument ids ("<sourceId>:<localId>"), in the
 * GraphQL type that its connector owns, and in error messages.
 */
const SOURCE_ID = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

export function checkSourceId(sourceId: string): string | null {
  if (!SOURCE_ID.test(sourceId)) return `source id "${sourceId}" must be lower-case letters and digits, words joined by "-", starting with a letter`;
  if (sourceId.length > 40) return `source id "${sourceId}" is longer than 40 characters`;
  return null;
}

/** "szu" → "SzuInstrument", "rent-lab" → "RentLabInstrument" */
export function instrumentTypeName(sourceId: string): string {
  return `${sourceId.split('-').map((w) => w[0].toUpperCase() + w.slice(1)).join('')}Instrument`;
}

/**
 * The description of that type. The catalog and the connector both declare the type, and
 * composition reports every source whose two descriptions differ (a hint per source, 200 at 200)
 */
export function instrumentTypeDescription(sourceId: string): string {
  return `An instrument listed by source ${sourceId}; its live state comes from the owner's own system.`;
}

export function instrumentId(sourceId: string, localId: string): string {
  return `${sourceId}:${localId}`;
}

/** The owner's id inside a hub id, or null when the id belongs to another source. */
export function localIdOf(sourceId: string, id: string): string | null {
  return id.startsWith(`${sourceId}:`) ? id.slice(sourceId.length + 1) : null;
}

export function sourceIdOf(id: string): string | null {
  const colon = id.indexOf(':');
  return colon > 0 ? id.slice(0, colon) : null;
}
