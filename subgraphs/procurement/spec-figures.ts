/**
 * Key figures in a specification text — field strength, resolution, voltage, bandwidth — so a
 * planned 400 MHz NMR is seen to match an existing 400 MHz one and not a 600 MHz one. Only
 * figures with a unit are taken: bare numbers in specs are counts, ranges or catalogue codes.
 */
export interface SpecFigure {
  value: number;
  /** canonical unit, e.g. "MHz", "T", "nm", "kV" */
  unit: string;
  text: string;
}

// longest first, so "mT/m" is not read as "T" and "GSa/s" not as "S"
const UNITS: Array<[pattern: string, unit: string]> = [
  ['GSa/s', 'GSa/s'], ['TFLOPS', 'TFLOPS'], ['mT/m', 'mT/m'], ['MHz', 'MHz'], ['GHz', 'GHz'], ['kHz', 'kHz'],
  ['kV', 'kV'], ['kN', 'kN'], ['kW', 'kW'], ['nm', 'nm'], ['μm', 'μm'], ['um', 'μm'], ['mm', 'mm'], ['pm', 'pm'],
  ['PB', 'PB'], ['TB', 'TB'], ['rpm', 'rpm'], ['fs', 'fs'], ['eV', 'eV'], ['keV', 'keV'], ['GB', 'GB'], ['T', 'T'], ['K', 'K'],
];
UNITS.sort((a, b) => b[0].length - a[0].length);

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const FIGURE = new RegExp(`(\\d+(?:\\.\\d+)?)\\s*(${UNITS.map(([p]) => escape(p)).join('|')})(?![A-Za-z])`, 'g');
const UNIT_OF = new Map(UNITS);

export function specFigures(text: string | null | undefined): SpecFigure[] {
  if (!text) return [];
  const figures: SpecFigure[] = [];
  for (const match of text.normalize('NFKC').replace(/µ/g, 'μ').matchAll(FIGURE)) {
    figures.push({ value: Number(match[1]), unit: UNIT_OF.get(match[2])!, text: `${match[1]} ${UNIT_OF.get(match[2])}` });
  }
  return figures;
}

/** Figures of the plan that an existing instrument meets: same unit, within a quarter either way. */
export function matchingFigures(planned: readonly SpecFigure[], existing: readonly SpecFigure[]): SpecFigure[] {
  return planned.filter((p) => existing.some((e) => e.unit === p.unit && e.value > 0 && p.value > 0
    && Math.max(e.value, p.value) / Math.min(e.value, p.value) <= 1.25));
}
