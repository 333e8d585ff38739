/**
 * The accepted values of the enumerated columns, as the Markdown tables of the README's
 * "Accepted values" section: generated from terms.ts and classes.ts so the documentation cannot
 * drift from what the import accepts (tests/terms-table.test.ts compares them).
 * `npx tsx schema/terms-table.ts` prints the section.
 */
import { fileURLToPath } from 'node:url';
import { declaredStatuses, institutionTypes, sharingModes, type TermMap } from './terms.ts';
import { INSTRUMENT_CLASSES } from './classes.ts';

function termTable<K extends string>(title: string, terms: TermMap<K>): string {
  const rows = terms.keys.map((k) => `| \`${k}\` | ${terms.zh[k]} | ${terms.variants[k].join(', ')} |`);
  return [`**${title}** (\`${terms.field}\`)`, '', '| value | 中文 | also accepted |', '| --- | --- | --- |', ...rows].join('\n');
}

export function acceptedValuesMarkdown(): string {
  const classes = INSTRUMENT_CLASSES.map((c) => `| \`${c.key}\` | ${c.code} | ${c.zh} | ${[c.en, ...c.aliases].join(', ')} |`);
  return [
    termTable('Institution types', institutionTypes),
    termTable('Sharing modes', sharingModes),
    termTable('Declared statuses', declaredStatuses),
    [
      '**Instrument classes** (`category` or `class_code`: the 15 top classes below, or any second- or third-level code or name of `schema/thesaurus/nrii-instrument-classes.csv`; without one the class is inferred)',
      '', '| value | code | 中文 | also accepted |', '| --- | --- | --- | --- |', ...classes,
    ].join('\n'),
  ].join('\n\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(acceptedValuesMarkdown());
