/**
 * Hub subgraphs that take or return the inventory's enums (InstrumentClass, SharingMode…) must
 * define them exactly as the catalog does for composition to merge them; they take the
 * definitions from schema/inventory.graphql rather than writing them again.
 */
import { readFileSync } from 'node:fs';
import { parse, print, type DefinitionNode } from 'graphql';

const INVENTORY_SDL = readFileSync(new URL('./inventory.graphql', import.meta.url), 'utf8');

function definitionName(node: DefinitionNode): string | null {
  return 'name' in node && node.name ? node.name.value : null;
}

export function inventoryDefinitions(names: readonly string[]): string {
  const definitions = parse(INVENTORY_SDL).definitions.filter((d) => names.includes(definitionName(d) ?? ''));
  const missing = names.filter((n) => !definitions.some((d) => definitionName(d) === n));
  if (missing.length > 0) throw new Error(`schema/inventory.graphql defines no ${missing.join(', ')}`);
  return definitions.map((d) => print(d)).join('\n\n');
}
