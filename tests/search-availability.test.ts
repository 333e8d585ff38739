/**
 * `availableFrom`/`availableTo` keeps instruments with a free hour in the window, counting
 * opening hours and the owner's own calendar read through its connector.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { ADD_SOURCE, addSourceInput, DATABASE_TARGETS, startTestHub, type TestHub } from './support/test-hub.ts';
import { createAssetDatabase } from './support/source-fixtures.ts';

// a Wednesday well ahead, in Shanghai time
const DAY = '2027-03-10';
const at = (time: string) => `${DAY}T${time}:00+08:00`;

describe.each(DATABASE_TARGETS)('availability search ($name)', (target) => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub(target);
    const dir = path.join(hub.dataDir, 'assets');
    const config = await createAssetDatabase(dir, [
      { id: 'A-1', name: '透射电子显微镜', model: 'JEM-2100F', maker: 'JEOL', category: '分析仪器', valueWan: 680, status: '闲置', sharing: '对外开放' },
      { id: 'A-2', name: '透射电子显微镜', model: 'Talos F200X', maker: 'Thermo Fisher', category: '分析仪器', valueWan: 900, status: '闲置', sharing: '对外开放' },
      { id: 'A-3', name: '透射电子显微镜', model: 'JEM-F200', maker: 'JEOL', category: '分析仪器', valueWan: 700, status: '待修', sharing: '对外开放' },
    ]);
    const owner = await PGlite.create(dir);
    // A-1 is booked all day in the owner's own system; A-2 until 11:00
    await owner.query('insert into 预约记录 values ($1,$2,$3,$4,$5,$6,$7), ($8,$9,$10,$11,$12,$13,$14)', [
      'R1', 'A-1', at('08:00'), at('19:00'), '课题组', '测试', '已确认',
      'R2', 'A-2', at('09:00'), at('11:00'), '课题组', '测试', '已确认',
    ]);
    await owner.close();
    const added = await hub.gql(ADD_SOURCE, addSourceInput('assets', 'SQL', config));
    expect(added.errors).toBeUndefined();
  });
  afterAll(async () => {
    await hub?.close();
  });

  const AVAILABLE = `query ($f: InstrumentFilter) { instruments(filter: $f) { totalCount edges { nextFreeSlot node { id } } } }`;

  it('keeps only instruments with a free hour, with the first free slot', async () => {
    const result = await hub.gql<{ instruments: { totalCount: number; edges: Array<{ nextFreeSlot: string; node: { id: string } }> } }>(AVAILABLE, { f: { text: '透射电镜', availableFrom: at('09:00'), availableTo: at('18:00') } });
    expect(result.errors).toBeUndefined();
    // A-1 is booked all day, A-3 is under repair
    expect(result.data!.instruments.edges).toEqual([{ nextFreeSlot: new Date(at('11:00')).toISOString(), node: { id: 'assets:A-2' } }]);
    expect(result.data!.instruments.totalCount).toBe(1);
  });

  it('finds nothing outside opening hours, and refuses a window over a month', async () => {
    const evening = await hub.gql<{ instruments: { totalCount: number } }>(AVAILABLE, { f: { availableFrom: at('18:00'), availableTo: at('22:00') } });
    expect(evening.data!.instruments.totalCount).toBe(0);
    const long = await hub.gql(AVAILABLE, { f: { availableFrom: at('09:00'), availableTo: '2027-06-10T09:00:00+08:00' } });
    expect(long.errors?.[0].message).toMatch(/more than 31 days/);
  });
});
