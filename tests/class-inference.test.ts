/** The national class list as data, and the class of an instrument inferred from what it is. */
import { describe, expect, it } from 'vitest';
import { inferInstrumentClass } from '../schema/class-inference.ts';
import { INSTRUMENT_CLASSES } from '../schema/classes.ts';
import { NATIONAL_CLASSES, resolveNationalClass } from '../schema/national-classes.ts';

describe('national class list', () => {
  it('holds all three levels, each class under the top class its code starts with', () => {
    const levels = [1, 2, 3].map((level) => NATIONAL_CLASSES.filter((c) => c.level === level).length);
    expect(levels).toEqual([15, 93, 631]);
    for (const c of NATIONAL_CLASSES.filter((n) => n.parentCode)) {
      expect(resolveNationalClass(c.parentCode!)?.classKey, c.code).toBe(c.classKey);
    }
  });

  it('numbers the top classes as the national list does, not in the order of the enum', () => {
    const topCodes = Object.fromEntries(INSTRUMENT_CLASSES.map((c) => [c.key, c.code]));
    expect(topCodes).toMatchObject({
      ANALYTICAL: '010000', ATMOSPHERIC: '070000', ASTRONOMICAL: '080000', MEDICAL_RESEARCH: '090000', NUCLEAR: '100000',
      SPECIAL_TESTING: '110000', PROCESS_EXPERIMENT: '120000', COMPUTING: '130000', LASER: '140000', OTHER: '990000',
    });
    for (const top of INSTRUMENT_CLASSES) expect(resolveNationalClass(top.code)).toMatchObject({ name: top.zh, level: 1, classKey: top.key });
  });

  it('reads a code at any level, also as a spreadsheet program shortened it, and a name at any level', () => {
    const read = (value: string | number) => {
      const c = resolveNationalClass(value);
      return c && [c.code, c.classKey];
    };
    expect(read('010000')).toEqual(['010000', 'ANALYTICAL']);
    expect(read('010100')).toEqual(['010100', 'ANALYTICAL']);
    expect(read('010102')).toEqual(['010102', 'ANALYTICAL']);
    expect(read(10102)).toEqual(['010102', 'ANALYTICAL']);
    expect(read('0101')).toEqual(['010100', 'ANALYTICAL']);
    expect(read('08')).toEqual(['080000', 'ASTRONOMICAL']);
    expect(read('010102 扫描电镜')).toEqual(['010102', 'ANALYTICAL']);
    expect(read('分析仪器')).toEqual(['010000', 'ANALYTICAL']);
    expect(read('电子光学仪器')).toEqual(['010100', 'ANALYTICAL']);
    expect(read('扫描电镜')).toEqual(['010102', 'ANALYTICAL']);
    expect(read('ＭＥＤＩＣＡＬ_ＲＥＳＥＡＲＣＨ')).toEqual(['090000', 'MEDICAL_RESEARCH']);
    expect(read('其他')).toEqual(['990000', 'OTHER']);
    // 计算机 is listed at levels 2 and 3 of one class: the most specific
    expect(read('计算机')).toEqual(['130101', 'COMPUTING']);
    // listed under two top classes: a name that names neither
    expect(read('频谱分析仪')).toBeNull();
    expect(read('3.0T')).toBeNull();
    expect(read('123456')).toBeNull();
    expect(read('电镜平台')).toBeNull();
  });
});

describe('inferInstrumentClass', () => {
  it('takes a national class the owner names, as given', () => {
    expect(inferInstrumentClass({ name: '某设备', ownerCategory: '010102' })).toEqual({ classKey: 'ANALYTICAL', classCode: '010102', inferred: false });
    // 激光器 is the top class's name as well as a second- and third-level one: it names the top class
    expect(inferInstrumentClass({ name: '某设备', ownerCategory: '激光器' })).toEqual({ classKey: 'LASER', classCode: '140000', inferred: false });
  });

  it('infers the class and the most specific code from what the instrument is, in Chinese or English', () => {
    expect(inferInstrumentClass({ name: '场发射扫描电镜' })).toEqual({ classKey: 'ANALYTICAL', classCode: '010102', inferred: true });
    expect(inferInstrumentClass({ name: 'Field Emission SEM', model: 'Sigma 300' })).toEqual({ classKey: 'ANALYTICAL', classCode: '010102', inferred: true });
    expect(inferInstrumentClass({ name: '仪器A', nameEn: 'Transmission Electron Microscope' })).toEqual({ classKey: 'ANALYTICAL', classCode: '010101', inferred: true });
    expect(inferInstrumentClass({ name: '超导核磁共振波谱仪 400M' })).toEqual({ classKey: 'ANALYTICAL', classCode: '010601', inferred: true });
    expect(inferInstrumentClass({ name: '钛宝石飞秒激光器' })).toMatchObject({ classKey: 'LASER', inferred: true });
    // a name under two top classes: the recognised type decides between them
    expect(inferInstrumentClass({ name: '频谱分析仪' })).toEqual({ classKey: 'ELECTRONIC_MEASUREMENT', classCode: '040108', inferred: true });
  });

  it('keeps to the class of the recognised type: 核磁共振成像 is MRI (medical), never NMR spectroscopy', () => {
    expect(inferInstrumentClass({ name: '3.0T核磁共振成像系统' })).toMatchObject({ classKey: 'MEDICAL_RESEARCH', inferred: true });
  });

  it('uses the owner\'s own category as a hint when the name says nothing', () => {
    expect(inferInstrumentClass({ name: 'Unit 7', ownerCategory: 'Gas chromatograph' })).toMatchObject({ classKey: 'ANALYTICAL', inferred: true });
    expect(inferInstrumentClass({ name: 'Unit 7', ownerCategory: '扫描电镜平台' })).toEqual({ classKey: 'ANALYTICAL', classCode: '010102', inferred: true });
  });

  it('is OTHER when nothing says what the instrument is', () => {
    expect(inferInstrumentClass({ name: 'UNKNOWN' })).toEqual({ classKey: 'OTHER', classCode: '990000', inferred: true });
    expect(inferInstrumentClass({ name: '备用设备', ownerCategory: '其他设备' })).toEqual({ classKey: 'OTHER', classCode: '990000', inferred: true });
  });
});
