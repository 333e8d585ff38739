import { describe, expect, it } from 'vitest';
import { canonicalToRecord, normalizeRecord, parseDate, parseMoneyCents, centsToDecimal } from '../connectors/sdk/canonical.ts';
import { institutionIdFor } from '../subgraphs/registry/institution-identity.ts';

const base = { local_id: 'A-1', name: '透射电子显微镜', category: '分析仪器', institution: '南方科技大学' };

describe('canonical record', () => {
  it('converts owners\' wording: 万元 to yuan exactly, Chinese terms to enum keys, district names', () => {
    const result = normalizeRecord({ ref: 'row 2', values: { ...base, original_value_wan: '286.5', sharing: '对外开放', status: '在用', institution_type: '高等院校', district: '南山', external_rate: '¥1,200.5', purchase_date: '2019/6/18' } });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.instrument).toMatchObject({
      originalValue: '2865000.00', sharing: 'OPEN', declaredStatus: 'IN_USE', instrumentClass: 'ANALYTICAL',
      district: '南山区', externalRate: '1200.50', purchaseDate: '2019-06-18', institution: { type: 'UNIVERSITY' },
    });
  });

  it('is idempotent on canonical values', () => {
    const result = normalizeRecord({ ref: 'x', values: { ...base, category: 'ANALYTICAL', sharing: 'INTERNAL', status: 'MAINTENANCE', original_value: '1000.10' } });
    expect(result.ok && [result.instrument.instrumentClass, result.instrument.sharing, result.instrument.declaredStatus, result.instrument.originalValue]).toEqual(['ANALYTICAL', 'INTERNAL', 'MAINTENANCE', '1000.10']);
  });

  it('reports every problem with its row and field, not only the first', () => {
    const result = normalizeRecord({ ref: 'row 7', values: { local_id: 'B-2', name: '', category: '魔法仪器', institution: 'X', original_value_wan: '十万', purchase_date: '2019-13-01', sharing: '随便' } });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => [p.ref, p.field])).toEqual([
      ['row 7', 'name'], ['row 7', 'sharing'], ['row 7', 'original_value_wan'], ['row 7', 'purchase_date'],
    ]);
    expect(result.problems.every((p) => p.localId === 'B-2')).toBe(true);
  });

  it('never rejects a row for its class: an unknown or missing one is inferred, the owner\'s text kept', () => {
    const unknown = normalizeRecord({ ref: 'row 3', values: { ...base, name: '场发射扫描电镜', category: '电镜平台' } });
    expect(unknown.ok && [unknown.instrument.instrumentClass, unknown.instrument.classCode, unknown.instrument.classInferred, unknown.instrument.ownerCategory])
      .toEqual(['ANALYTICAL', '010102', true, '电镜平台']);
    const none = normalizeRecord({ ref: 'row 4', values: { local_id: 'C-1', name: 'Widget', institution: 'X' } });
    expect(none.ok && [none.instrument.instrumentClass, none.instrument.classCode, none.instrument.classInferred, none.instrument.ownerCategory])
      .toEqual(['OTHER', '990000', true, null]);
    const coded = normalizeRecord({ ref: 'row 5', values: { ...base, class_code: '010101', category: '分析测试中心' } });
    expect(coded.ok && [coded.instrument.instrumentClass, coded.instrument.classCode, coded.instrument.classInferred, coded.instrument.ownerCategory])
      .toEqual(['ANALYTICAL', '010101', false, '分析测试中心']);
  });

  it('keeps a class as the connector sent it when the hub checks the record again', () => {
    for (const values of [{ ...base, category: '电镜平台' }, { ...base, class_code: '10101' }, { local_id: 'C-1', name: 'Widget', institution: 'X' }]) {
      const first = normalizeRecord({ ref: 'r', values });
      if (!first.ok) throw new Error('expected a record');
      const again = normalizeRecord(canonicalToRecord(first.instrument));
      expect(again.ok && again.instrument).toEqual(first.instrument);
    }
  });

  it('parses money and dates as people write them', () => {
    expect(parseMoneyCents('1,234.565')).toBe(123457n);
    expect(parseMoneyCents('-5')).toBe('invalid');
    expect(centsToDecimal(5n)).toBe('0.05');
    expect(parseDate('2019-06')).toBe('2019-06-01');
    expect(parseDate('2019年6月18日')).toBe('2019-06-18');
    expect(parseDate('2019-02-30')).toBe('invalid');
  });

  it('merges institutions whatever the parentheses and spaces', () => {
    expect(institutionIdFor('哈尔滨工业大学（深圳）')).toBe(institutionIdFor('哈尔滨工业大学 (深圳)'));
    expect(institutionIdFor('深圳大学')).not.toBe(institutionIdFor('深圳技术大学'));
  });
});
