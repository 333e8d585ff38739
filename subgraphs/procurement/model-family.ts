/**
 * Model designations compared the way owners write them: "JEM-2100F", "JEM 2100F" and
 * "jem2100f" are one model; "JEM-2100F" and "JEM-F200" are one family (JEOL's JEM line).
 */

/** Letters and digits only, lower case; the index keeps the same form in `instruments.model_key`. */
export function modelKey(model: string | null | undefined): string {
  return (model ?? '').replace(/[^A-Za-z0-9]/g, '').toLowerCase();
}

/** Applicants often write the maker into the model ("Agilent 8900"); owners' records do not. */
export function modelKeyWithoutMaker(model: string | null | undefined, manufacturer: string | null | undefined): string {
  const key = modelKey(model);
  const maker = modelKey(manufacturer);
  return maker.length >= 3 && key.startsWith(maker) && key.length - maker.length >= 3 ? key.slice(maker.length) : key;
}

/** The line a model belongs to: its leading word's letters ("Talos F200X" → "talos", "SU8010" → "su"). */
export function modelFamily(model: string | null | undefined): string | null {
  const words = (model ?? '').toLowerCase().split(/[\s\-_/]+/).filter(Boolean);
  let family = '';
  for (const word of words) {
    family += word.match(/^[a-z]*/)![0];
    // one letter ("Q Exactive") says little: take the next word's letters too
    if (family.length >= 2 || !/^[a-z]+$/.test(word)) break;
  }
  return family.length >= 2 ? family : null;
}

/** Makers as written across sources: "Thermo Fisher", "ThermoFisher Scientific", "赛默飞 Thermo". */
export function sameMaker(a: string | null | undefined, b: string | null | undefined): boolean {
  const key = (text: string | null | undefined) => (text ?? '').toLowerCase().replace(/[^a-z]/g, '');
  const x = key(a);
  const y = key(b);
  return x.length >= 3 && y.length >= 3 && (x.startsWith(y) || y.startsWith(x));
}
