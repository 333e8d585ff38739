/** Shenzhen's districts with approximate centroids: the fallback location of an instrument. */
export interface District { zh: string; en: string; lat: number; lng: number }

export const SHENZHEN_DISTRICTS: readonly District[] = [
  { zh: '南山区', en: 'Nanshan', lat: 22.533, lng: 113.930 },
  { zh: '福田区', en: 'Futian', lat: 22.541, lng: 114.055 },
  { zh: '罗湖区', en: 'Luohu', lat: 22.548, lng: 114.131 },
  { zh: '宝安区', en: "Bao'an", lat: 22.555, lng: 113.883 },
  { zh: '龙岗区', en: 'Longgang', lat: 22.721, lng: 114.247 },
  { zh: '龙华区', en: 'Longhua', lat: 22.697, lng: 114.045 },
  { zh: '光明区', en: 'Guangming', lat: 22.749, lng: 113.936 },
  { zh: '坪山区', en: 'Pingshan', lat: 22.690, lng: 114.346 },
  { zh: '盐田区', en: 'Yantian', lat: 22.557, lng: 114.236 },
  { zh: '大鹏新区', en: 'Dapeng', lat: 22.594, lng: 114.479 },
  { zh: '深汕特别合作区', en: 'Shenshan', lat: 22.858, lng: 115.061 },
];

const byName = new Map<string, District>();
for (const d of SHENZHEN_DISTRICTS) {
  for (const n of [d.zh, d.en, d.zh.replace(/区$/, ''), `${d.en} district`]) byName.set(n.toLowerCase(), d);
}

/** The district an owner's value names ("南山", "南山区", "Nanshan"), or null. */
export function resolveDistrict(value: string): District | null {
  return byName.get(value.trim().toLowerCase()) ?? null;
}
