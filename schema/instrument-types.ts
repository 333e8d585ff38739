/**
 * The instrument-type thesaurus: canonical types of large instruments with the names owners
 * and applicants use for them — the Chinese name and its variants, English names,
 * abbreviations — and the national class. Search and the duplicate-purchase review both
 * recognise types through it, so an instrument named "透射电镜" and a purchase named
 * "Transmission Electron Microscope" meet at TEM. `broader` links a type to a more general one
 * (a field-emission SEM is an SEM) for reviews that accept near equivalents.
 */
import type { InstrumentClassKey } from './classes.ts';
import { nationalClassByCode } from './national-classes.ts';
import { THESAURUS_ENTRIES, type ThesaurusEntry } from './thesaurus/thesaurus.ts';

export interface InstrumentType {
  key: string;
  instrumentClass: InstrumentClassKey;
  zh: string;
  zhVariants: string[];
  en: string;
  enVariants: string[];
  abbreviations: string[];
  broader?: string;
  /** the national six-digit class code of the kind, where the thesaurus data gives one */
  classCode?: string;
}

const type = (key: string, instrumentClass: InstrumentClassKey, zh: string[], en: string[], abbreviations: string[] = [], broader?: string): InstrumentType =>
  ({ key, instrumentClass, zh: zh[0], zhVariants: zh.slice(1), en: en[0], enVariants: en.slice(1), abbreviations, broader });

const CORE_TYPES: readonly InstrumentType[] = [
  type('FE_SEM', 'ANALYTICAL', ['场发射扫描电子显微镜', '场发射扫描电镜', '热场发射扫描电镜', '场发射扫描电子显微镜（FE-SEM）'], ['Field Emission Scanning Electron Microscope', 'FE-SEM', 'Field-Emission SEM', 'Field Emission SEM'], ['FE-SEM'], 'SEM'),
  type('SEM', 'ANALYTICAL', ['扫描电子显微镜', '扫描电镜', '钨灯丝扫描电镜', '扫描电子显微镜（SEM）'], ['Scanning Electron Microscope', 'SEM'], ['SEM']),
  type('TEM', 'ANALYTICAL', ['透射电子显微镜', '透射电镜', '场发射透射电镜', '透射电子显微镜（TEM）', '高分辨透射电镜'], ['Transmission Electron Microscope', 'Transmission Electron Microscopy'], ['TEM']),
  type('CRYO_EM', 'ANALYTICAL', ['冷冻电子显微镜', '冷冻电镜'], ['Cryo-Electron Microscope'], ['Cryo-EM'], 'TEM'),
  type('FIB_SEM', 'ANALYTICAL', ['聚焦离子束扫描电镜', '双束电镜'], ['Focused Ion Beam Scanning Electron Microscope'], ['FIB-SEM'], 'SEM'),
  type('AFM', 'ANALYTICAL', ['原子力显微镜', '扫描探针显微镜', '原子力'], ['Atomic Force Microscope'], ['AFM']),
  type('CONFOCAL', 'ANALYTICAL', ['激光共聚焦显微镜', '激光扫描共聚焦显微镜', '共聚焦显微镜'], ['Confocal Laser Scanning Microscope', 'Confocal Microscope'], ['CLSM']),
  type('NMR', 'ANALYTICAL', ['核磁共振波谱仪', '超导核磁共振波谱仪', '液体核磁共振谱仪', '核磁共振谱仪', '核磁共振仪', '核磁'], ['Nuclear Magnetic Resonance Spectrometer', 'NMR Spectrometer', 'NMR Spectroscopy'], ['NMR']),
  type('XRD', 'ANALYTICAL', ['X射线衍射仪', '粉末X射线衍射仪', '多晶X射线衍射仪', 'X射线粉末衍射仪', 'XRD衍射仪'], ['X-ray Diffractometer', 'Powder X-ray Diffractometer', 'X-ray Diffraction'], ['XRD']),
  type('SC_XRD', 'ANALYTICAL', ['单晶X射线衍射仪', '单晶衍射仪'], ['Single Crystal X-ray Diffractometer'], ['SC-XRD'], 'XRD'),
  type('XPS', 'ANALYTICAL', ['X射线光电子能谱仪', 'X射线光电子能谱'], ['X-ray Photoelectron Spectrometer'], ['XPS']),
  type('XRF', 'ANALYTICAL', ['X射线荧光光谱仪', '波长色散X射线荧光光谱仪'], ['X-ray Fluorescence Spectrometer'], ['XRF']),
  type('ICP_MS', 'ANALYTICAL', ['电感耦合等离子体质谱仪', 'ICP质谱仪', '等离子体质谱仪'], ['Inductively Coupled Plasma Mass Spectrometer'], ['ICP-MS']),
  type('ICP_OES', 'ANALYTICAL', ['电感耦合等离子体发射光谱仪', 'ICP光谱仪'], ['Inductively Coupled Plasma Optical Emission Spectrometer'], ['ICP-OES']),
  type('LC_MS', 'ANALYTICAL', ['液相色谱-质谱联用仪', '液质联用仪', '高分辨液质联用仪', '超高效液相色谱-串联质谱仪', '液质联用', '高效液相色谱质谱联用仪'], ['Liquid Chromatography-Mass Spectrometer', 'LC-MS/MS', 'UPLC-MS/MS', 'Liquid Chromatography Mass Spectrometry'], ['LC-MS']),
  type('GC_MS', 'ANALYTICAL', ['气相色谱-质谱联用仪', '气质联用仪', '气质联用'], ['Gas Chromatography-Mass Spectrometer', 'Gas Chromatography Mass Spectrometry'], ['GC-MS']),
  type('HPLC', 'ANALYTICAL', ['高效液相色谱仪', '液相色谱仪', '超高效液相色谱仪', '高效液相'], ['High Performance Liquid Chromatograph'], ['HPLC']),
  type('GC', 'ANALYTICAL', ['气相色谱仪'], ['Gas Chromatograph'], ['GC']),
  type('MALDI_TOF', 'ANALYTICAL', ['基质辅助激光解吸电离飞行时间质谱仪'], ['MALDI-TOF Mass Spectrometer'], ['MALDI-TOF']),
  type('FTIR', 'ANALYTICAL', ['傅里叶变换红外光谱仪', '红外光谱仪', '傅立叶变换红外光谱仪', '红外光谱'], ['Fourier Transform Infrared Spectrometer'], ['FTIR']),
  type('RAMAN', 'ANALYTICAL', ['激光显微拉曼光谱仪', '拉曼光谱仪'], ['Raman Spectrometer'], ['Raman']),
  type('UV_VIS', 'ANALYTICAL', ['紫外可见近红外分光光度计', '紫外可见分光光度计'], ['UV-Vis-NIR Spectrophotometer'], ['UV-Vis']),
  type('FLOW_CYTOMETER', 'ANALYTICAL', ['流式细胞仪', '流式细胞分选仪'], ['Flow Cytometer'], ['FCM']),
  type('QPCR', 'ANALYTICAL', ['实时荧光定量PCR仪', '荧光定量PCR仪', '荧光定量PCR', '实时荧光定量PCR系统'], ['Real-Time PCR System'], ['qPCR']),
  type('NGS', 'ANALYTICAL', ['高通量测序仪', '二代测序仪', '基因测序仪', '测序仪'], ['Next-Generation Sequencer'], ['NGS']),
  type('DSC', 'ANALYTICAL', ['差示扫描量热仪'], ['Differential Scanning Calorimeter'], ['DSC']),
  type('TGA', 'ANALYTICAL', ['热重分析仪', '同步热分析仪'], ['Thermogravimetric Analyzer'], ['TGA']),
  type('BET', 'ANALYTICAL', ['比表面积及孔径分析仪', '全自动比表面积分析仪'], ['Surface Area and Porosity Analyzer'], ['BET']),
  type('PPMS', 'PHYSICAL_PROPERTY', ['综合物性测量系统', '物理性质测量系统'], ['Physical Property Measurement System'], ['PPMS']),
  type('SQUID', 'PHYSICAL_PROPERTY', ['超导量子干涉磁强计', '磁学测量系统'], ['SQUID Magnetometer'], ['SQUID-VSM']),
  type('UTM', 'PHYSICAL_PROPERTY', ['电子万能材料试验机', '万能材料试验机', '万能试验机', '材料试验机', '拉力试验机'], ['Universal Testing Machine'], ['UTM']),
  type('RHEOMETER', 'PHYSICAL_PROPERTY', ['旋转流变仪', '流变仪'], ['Rheometer']),
  type('PARTICLE_SIZER', 'PHYSICAL_PROPERTY', ['激光粒度分析仪', '激光粒度仪'], ['Laser Particle Size Analyzer']),
  type('NANOINDENTER', 'PHYSICAL_PROPERTY', ['纳米压痕仪'], ['Nanoindenter']),
  type('CMM', 'METROLOGY', ['三坐标测量机', '三坐标测量仪'], ['Coordinate Measuring Machine'], ['CMM']),
  type('LASER_INTERFEROMETER', 'METROLOGY', ['激光干涉仪'], ['Laser Interferometer']),
  type('VNA', 'ELECTRONIC_MEASUREMENT', ['矢量网络分析仪'], ['Vector Network Analyzer'], ['VNA']),
  type('SPECTRUM_ANALYZER', 'ELECTRONIC_MEASUREMENT', ['信号与频谱分析仪', '频谱分析仪'], ['Signal and Spectrum Analyzer']),
  type('OSCILLOSCOPE', 'ELECTRONIC_MEASUREMENT', ['高带宽数字示波器', '实时示波器'], ['High-Bandwidth Oscilloscope']),
  type('SPA', 'ELECTRONIC_MEASUREMENT', ['半导体参数分析仪', '半导体特性分析仪'], ['Semiconductor Parameter Analyzer']),
  type('PROBE_STATION', 'ELECTRONIC_MEASUREMENT', ['探针台', '射频探针台'], ['Probe Station']),
  type('EBL', 'PROCESS_EXPERIMENT', ['电子束曝光系统', '电子束光刻机'], ['Electron Beam Lithography System'], ['EBL']),
  type('MASK_ALIGNER', 'PROCESS_EXPERIMENT', ['紫外光刻机', '接触式光刻机', '光刻机'], ['Mask Aligner']),
  type('ICP_RIE', 'PROCESS_EXPERIMENT', ['电感耦合等离子体刻蚀机', 'ICP刻蚀机'], ['ICP Reactive Ion Etcher'], ['ICP-RIE']),
  type('PECVD', 'PROCESS_EXPERIMENT', ['等离子体增强化学气相沉积系统', 'PECVD'], ['Plasma Enhanced CVD System'], ['PECVD']),
  type('ALD', 'PROCESS_EXPERIMENT', ['原子层沉积系统'], ['Atomic Layer Deposition System'], ['ALD']),
  type('SPUTTER', 'PROCESS_EXPERIMENT', ['磁控溅射镀膜系统', '磁控溅射仪'], ['Magnetron Sputtering System']),
  type('METAL_3D_PRINTER', 'PROCESS_EXPERIMENT', ['金属3D打印机', '选区激光熔化设备'], ['Metal 3D Printer (SLM)'], ['SLM']),
  type('HPC', 'COMPUTING', ['高性能计算集群', '超算集群'], ['High-Performance Computing Cluster', 'HPC Cluster', 'Supercomputer'], ['HPC']),
  type('GPU_SERVER', 'COMPUTING', ['GPU服务器', 'AI计算服务器'], ['GPU Server']),
  type('STORAGE', 'COMPUTING', ['分布式存储系统', '存储阵列'], ['Storage System']),
  type('MRI', 'MEDICAL_RESEARCH', ['磁共振成像系统', '核磁共振成像仪', '3.0T磁共振', '磁共振', '核磁共振成像系统', '磁共振成像仪'], ['Magnetic Resonance Imaging System', 'MRI Scanner', 'MR Scanner'], ['MRI']),
  type('PET_CT', 'MEDICAL_RESEARCH', ['正电子发射断层扫描仪', 'PET/CT'], ['PET-CT Scanner'], ['PET-CT']),
  type('SMALL_ANIMAL_IMAGING', 'MEDICAL_RESEARCH', ['小动物活体成像系统', '活体成像仪'], ['In Vivo Imaging System'], ['IVIS']),
  type('MICRO_CT', 'SPECIAL_TESTING', ['显微CT', 'X射线三维显微镜', '工业CT'], ['Micro-CT'], ['Micro-CT']),
  type('ULTRASONIC_FLAW', 'SPECIAL_TESTING', ['超声波探伤仪', '相控阵超声检测仪'], ['Ultrasonic Flaw Detector']),
  type('GAMMA_SPEC', 'NUCLEAR', ['高纯锗γ能谱仪', 'γ能谱仪'], ['HPGe Gamma Spectrometer']),
  type('LSC', 'NUCLEAR', ['液体闪烁计数器', '液闪谱仪'], ['Liquid Scintillation Counter'], ['LSC']),
  type('FEMTOSECOND_LASER', 'LASER', ['飞秒激光器', '钛宝石飞秒激光器'], ['Femtosecond Laser']),
  type('CW_LASER', 'LASER', ['连续波激光器', '半导体激光器'], ['CW Laser']),
  type('CTD', 'MARINE', ['温盐深剖面仪', 'CTD剖面仪'], ['CTD Profiler'], ['CTD']),
  type('ADCP', 'MARINE', ['声学多普勒流速剖面仪'], ['Acoustic Doppler Current Profiler'], ['ADCP']),
  type('SEISMOGRAPH', 'GEOPHYSICAL', ['宽频带地震仪', '地震仪'], ['Broadband Seismometer']),
  type('GPR', 'GEOPHYSICAL', ['探地雷达'], ['Ground Penetrating Radar'], ['GPR']),
  type('LIDAR', 'ATMOSPHERIC', ['激光雷达', '气溶胶激光雷达'], ['Atmospheric Lidar']),
  type('WEATHER_STATION', 'ATMOSPHERIC', ['自动气象站'], ['Automatic Weather Station']),
  type('TELESCOPE', 'ASTRONOMICAL', ['光学望远镜', '天文望远镜'], ['Optical Telescope']),
  type('GLOVE_BOX', 'OTHER', ['手套箱', '惰性气体手套箱'], ['Glove Box']),
  type('BIOREACTOR', 'OTHER', ['生物反应器', '发酵罐'], ['Bioreactor']),
  type('ULTRACENTRIFUGE', 'OTHER', ['超速离心机'], ['Ultracentrifuge']),
  type('CLIMATE_CHAMBER', 'OTHER', ['高低温湿热试验箱', '环境试验箱'], ['Climatic Test Chamber']),
  type('FREEZE_DRYER', 'OTHER', ['冷冻干燥机'], ['Freeze Dryer']),
  // types the region's platforms list elsewhere; named here so that a name sharing words with
  // a known type (质谱流式 vs 流式, 电子顺磁共振 vs 核磁共振) is recognised as what it is
  type('MASS_CYTOMETER', 'ANALYTICAL', ['质谱流式细胞仪', '质谱流式'], ['Mass Cytometer'], ['CyTOF']),
  type('EPR', 'ANALYTICAL', ['电子顺磁共振波谱仪', '电子自旋共振波谱仪', '顺磁共振波谱仪'], ['Electron Paramagnetic Resonance Spectrometer'], ['EPR', 'ESR']),
  type('STM', 'ANALYTICAL', ['扫描隧道显微镜'], ['Scanning Tunneling Microscope'], ['STM']),
  type('CD_SPECTROMETER', 'ANALYTICAL', ['圆二色光谱仪', '圆二色谱仪'], ['Circular Dichroism Spectrometer']),
  type('ITC', 'ANALYTICAL', ['等温滴定量热仪'], ['Isothermal Titration Calorimeter'], ['ITC']),
  type('SPR', 'ANALYTICAL', ['表面等离子共振仪', '表面等离子体共振仪'], ['Surface Plasmon Resonance System'], ['SPR']),
  type('AAS', 'ANALYTICAL', ['原子吸收光谱仪', '原子吸收分光光度计'], ['Atomic Absorption Spectrometer'], ['AAS']),
  type('MBE', 'PROCESS_EXPERIMENT', ['分子束外延系统', '分子束外延设备'], ['Molecular Beam Epitaxy System'], ['MBE']),
  type('ION_IMPLANTER', 'PROCESS_EXPERIMENT', ['离子注入机'], ['Ion Implanter']),
  type('MOSSBAUER', 'NUCLEAR', ['穆斯堡尔谱仪'], ['Mössbauer Spectrometer']),
];

/**
 * The core types above, extended by the thesaurus data (schema/thesaurus/): an entry with a core
 * key adds its names to that type, any other is a type of its own, of the class its national code
 * is under. A name is kept once per type.
 */
function mergeThesaurus(core: readonly InstrumentType[], entries: readonly ThesaurusEntry[]): InstrumentType[] {
  const types = new Map(core.map((t) => [t.key, { ...t, zhVariants: [...t.zhVariants], enVariants: [...t.enVariants], abbreviations: [...t.abbreviations] }]));
  for (const entry of entries) {
    const known = types.get(entry.key);
    if (known) {
      known.classCode ??= entry.classCode;
      known.broader ??= entry.broader;
      const has = new Set(instrumentTypeNames(known).map((n) => n.toLowerCase()));
      const fresh = (names: readonly string[]) => names.filter((n) => !has.has(n.toLowerCase()) && has.add(n.toLowerCase()));
      known.zhVariants.push(...fresh(entry.zh));
      known.enVariants.push(...fresh(entry.en));
      known.abbreviations.push(...fresh(entry.abbr ?? []));
      continue;
    }
    const national = nationalClassByCode(entry.classCode);
    if (!national) throw new Error(`thesaurus type ${entry.key}: class code ${entry.classCode} is not in the national list`);
    types.set(entry.key, {
      key: entry.key, instrumentClass: national.classKey, classCode: entry.classCode,
      zh: entry.zh[0], zhVariants: entry.zh.slice(1), en: entry.en[0], enVariants: entry.en.slice(1), abbreviations: [...(entry.abbr ?? [])], broader: entry.broader,
    });
  }
  return [...types.values()];
}

export const INSTRUMENT_TYPES: readonly InstrumentType[] = mergeThesaurus(CORE_TYPES, THESAURUS_ENTRIES);

const byKey = new Map(INSTRUMENT_TYPES.map((t) => [t.key, t]));

export function instrumentTypeByKey(key: string): InstrumentType | undefined {
  return byKey.get(key);
}

/** Every name a type goes by: Chinese, English, abbreviations. */
export function instrumentTypeNames(type: InstrumentType): string[] {
  return [type.zh, ...type.zhVariants, type.en, ...type.enVariants, ...type.abbreviations];
}

/** The types and every type narrower than them: an SEM is also provided by a field-emission SEM. */
export function withNarrowerTypes(keys: readonly string[]): string[] {
  return [...new Set([...keys, ...INSTRUMENT_TYPES.filter((t) => t.broader && keys.includes(t.broader)).map((t) => t.key)])];
}

/** Types near but not equal in capability: the broader type, and siblings under one broader type. */
export function relatedTypes(keys: readonly string[]): string[] {
  const related = new Set<string>();
  for (const key of keys) {
    const broader = byKey.get(key)?.broader;
    if (!broader) continue;
    related.add(broader);
    for (const t of INSTRUMENT_TYPES) if (t.broader === broader) related.add(t.key);
  }
  for (const key of withNarrowerTypes(keys)) related.delete(key);
  return [...related];
}
