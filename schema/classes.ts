/**
 * The 15 top-level classes of the national classification of large scientific instruments
 * (科技部《大型科学仪器设备分类标准及编码规则》), in the order and with the two-digit codes of
 * that catalogue, plus the sub-classes the hub uses. Owners' data names a class by its Chinese
 * name, its code or (rarely) a sub-class; `resolveInstrumentClass` accepts all of them.
 */
export const INSTRUMENT_CLASS_KEYS = [
  'ANALYTICAL', 'PHYSICAL_PROPERTY', 'METROLOGY', 'ELECTRONIC_MEASUREMENT', 'MARINE',
  'GEOPHYSICAL', 'ATMOSPHERIC', 'SPECIAL_TESTING', 'MEDICAL_RESEARCH', 'NUCLEAR',
  'ASTRONOMICAL', 'LASER', 'PROCESS_EXPERIMENT', 'COMPUTING', 'OTHER',
] as const;
export type InstrumentClassKey = (typeof INSTRUMENT_CLASS_KEYS)[number];

export interface InstrumentSubclass { code: string; zh: string; en: string }
export interface InstrumentClassInfo {
  key: InstrumentClassKey;
  code: string;
  zh: string;
  en: string;
  subclasses: InstrumentSubclass[];
}

const sub = (code: string, zh: string, en: string): InstrumentSubclass => ({ code, zh, en });

export const INSTRUMENT_CLASSES: readonly InstrumentClassInfo[] = [
  { key: 'ANALYTICAL', code: '01', zh: '分析仪器', en: 'Analytical instruments', subclasses: [
    sub('0101', '电子光学仪器', 'Electron optics'), sub('0102', '质谱仪器', 'Mass spectrometry'),
    sub('0103', 'X射线仪器', 'X-ray instruments'), sub('0104', '光谱仪器', 'Spectroscopy'),
    sub('0105', '色谱仪器', 'Chromatography'), sub('0106', '波谱仪器', 'Magnetic resonance spectroscopy'),
    sub('0107', '电化学仪器', 'Electrochemistry'), sub('0108', '显微镜及图像分析仪器', 'Microscopy and image analysis'),
    sub('0109', '热分析仪器', 'Thermal analysis'), sub('0110', '生化分离分析仪器', 'Biochemical separation and analysis'),
    sub('0111', '环境与农业分析仪器', 'Environmental and agricultural analysis'), sub('0112', '样品前处理及制备仪器', 'Sample preparation'),
  ] },
  { key: 'PHYSICAL_PROPERTY', code: '02', zh: '物理性能测试仪器', en: 'Physical property testing instruments', subclasses: [
    sub('0201', '力学性能测试仪器', 'Mechanical testing'), sub('0202', '大地测量仪器', 'Geodetic surveying'),
    sub('0203', '光电测量仪器', 'Photoelectric measurement'), sub('0204', '声学振动仪器', 'Acoustics and vibration'),
    sub('0205', '颗粒度测量仪器', 'Particle sizing'), sub('0206', '探伤仪器', 'Flaw detection'),
  ] },
  { key: 'METROLOGY', code: '03', zh: '计量仪器', en: 'Metrology instruments', subclasses: [
    sub('0301', '长度计量仪器', 'Length metrology'), sub('0302', '热学计量仪器', 'Thermal metrology'),
    sub('0303', '力学计量仪器', 'Mechanical metrology'), sub('0304', '电磁学计量仪器', 'Electromagnetic metrology'),
    sub('0305', '时间频率计量仪器', 'Time and frequency metrology'), sub('0306', '光学计量仪器', 'Optical metrology'),
  ] },
  { key: 'ELECTRONIC_MEASUREMENT', code: '04', zh: '电子测量仪器', en: 'Electronic measurement instruments', subclasses: [
    sub('0401', '射频和微波测试仪器', 'RF and microwave test'), sub('0402', '通讯测量仪器', 'Communication test'),
    sub('0403', '网络分析仪器', 'Network analysis'), sub('0404', '逻辑分析仪器', 'Logic analysis'),
    sub('0405', '数字示波器', 'Digital oscilloscopes'), sub('0406', '半导体器件测试仪器', 'Semiconductor device test'),
  ] },
  { key: 'MARINE', code: '05', zh: '海洋仪器', en: 'Marine instruments', subclasses: [
    sub('0501', '海洋水文测量仪器', 'Ocean hydrography'), sub('0502', '海洋生物调查仪器', 'Marine biology survey'),
    sub('0503', '海洋遥感仪器', 'Ocean remote sensing'),
  ] },
  { key: 'GEOPHYSICAL', code: '06', zh: '地球探测仪器', en: 'Geophysical exploration instruments', subclasses: [
    sub('0601', '电法仪器', 'Electrical methods'), sub('0602', '地震仪器', 'Seismic instruments'),
    sub('0603', '测井仪器', 'Well logging'),
  ] },
  { key: 'ATMOSPHERIC', code: '07', zh: '大气探测仪器', en: 'Atmospheric sounding instruments', subclasses: [
    sub('0701', '气象台站观测仪器', 'Weather station instruments'), sub('0702', '高空气象探测仪器', 'Upper-air sounding'),
    sub('0703', '特殊大气探测仪器', 'Special atmospheric sounding'),
  ] },
  { key: 'SPECIAL_TESTING', code: '08', zh: '特种检测仪器', en: 'Special testing instruments', subclasses: [
    sub('0801', '核辐射检测仪器', 'Nuclear radiation detection'), sub('0802', '安全检测仪器', 'Safety inspection'),
    sub('0803', '环境检测仪器', 'Environmental testing'),
  ] },
  { key: 'MEDICAL_RESEARCH', code: '09', zh: '医学科研仪器', en: 'Medical research instruments', subclasses: [
    sub('0901', '影像诊断仪器', 'Diagnostic imaging'), sub('0902', '电子诊察仪器', 'Electronic diagnostics'),
    sub('0903', '临床检验分析仪器', 'Clinical laboratory analysis'), sub('0904', '动物实验设备', 'Animal experiment equipment'),
  ] },
  { key: 'NUCLEAR', code: '10', zh: '核仪器', en: 'Nuclear instruments', subclasses: [
    sub('1001', '核辐射探测仪器', 'Radiation detectors'), sub('1002', '活化分析仪器', 'Activation analysis'),
    sub('1003', '离子束分析仪器', 'Ion beam analysis'),
  ] },
  { key: 'ASTRONOMICAL', code: '11', zh: '天文仪器', en: 'Astronomical instruments', subclasses: [
    sub('1101', '天文望远镜', 'Telescopes'), sub('1102', '天文终端设备', 'Astronomical detectors'),
  ] },
  { key: 'LASER', code: '12', zh: '激光器', en: 'Lasers', subclasses: [
    sub('1201', '固体激光器', 'Solid-state lasers'), sub('1202', '气体激光器', 'Gas lasers'),
    sub('1203', '半导体激光器', 'Semiconductor lasers'), sub('1204', '飞秒激光器', 'Femtosecond lasers'),
  ] },
  { key: 'PROCESS_EXPERIMENT', code: '13', zh: '工艺实验设备', en: 'Process experiment equipment', subclasses: [
    sub('1301', '半导体工艺设备', 'Semiconductor process equipment'), sub('1302', '材料制备设备', 'Materials preparation'),
    sub('1303', '增材制造设备', 'Additive manufacturing'), sub('1304', '生物工艺设备', 'Bioprocess equipment'),
  ] },
  { key: 'COMPUTING', code: '14', zh: '计算机及其配套设备', en: 'Computers and peripherals', subclasses: [
    sub('1401', '高性能计算设备', 'High-performance computing'), sub('1402', '存储设备', 'Storage'),
    sub('1403', '图形工作站', 'Graphics workstations'),
  ] },
  { key: 'OTHER', code: '15', zh: '其他仪器', en: 'Other instruments', subclasses: [] },
];

const byKey = new Map(INSTRUMENT_CLASSES.map((c) => [c.key, c]));
const byAlias = new Map<string, InstrumentClassKey>();
for (const c of INSTRUMENT_CLASSES) {
  for (const alias of [c.key, c.code, c.zh, c.en, String(Number(c.code))]) byAlias.set(alias.toLowerCase(), c.key);
  for (const s of c.subclasses) for (const alias of [s.code, s.zh]) byAlias.set(alias.toLowerCase(), c.key);
}
byAlias.set('其他', 'OTHER');
byAlias.set('计算机及配套设备', 'COMPUTING');

export function instrumentClassInfo(key: InstrumentClassKey): InstrumentClassInfo {
  const info = byKey.get(key);
  if (!info) throw new Error(`unknown instrument class ${key}`);
  return info;
}

/** The class named by an owner's value (Chinese name, code, sub-class or enum key), or null. */
export function resolveInstrumentClass(value: string): InstrumentClassKey | null {
  return byAlias.get(value.trim().toLowerCase()) ?? null;
}
