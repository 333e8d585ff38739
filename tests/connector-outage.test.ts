/**
 * One connector down or slow: its live fields come back null with an error naming the
 * source, within the per-subgraph timeout, and the rest of the response is intact.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { serveConnector, type ServedConnector } from '../connectors/sdk/serve-connector.ts';
import { createSpreadsheetAdapter } from '../connectors/spreadsheet/spreadsheet-connector.ts';
import type { ConnectorAdapter } from '../connectors/sdk/contract.ts';
import { ADD_SOURCE, addSourceInput, DATABASE_TARGETS, startTestHub, type TestHub, REMOTE_CREDENTIAL } from './support/test-hub.ts';

const HEADER = '仪器编号,仪器名称,规格型号,生产厂商,分类,所属单位,单位类型,所在区,共享方式,运行状态';

function sheet(dir: string, name: string, rows: string[]): string {
  const file = path.join(dir, name);
  writeFileSync(file, [HEADER, ...rows].join('\n'));
  return file;
}

/** the owner's system behind this connector answers live-status calls after `delayMs` */
function slowed(adapter: ConnectorAdapter, delay: { ms: number }): ConnectorAdapter {
  return {
    incremental: adapter.incremental,
    listInstruments: (request) => adapter.listInstruments(request),
    liveStatus: async (ids) => {
      await new Promise((resolve) => setTimeout(resolve, delay.ms));
      return adapter.liveStatus(ids);
    },
    calendar: (id, from, to) => adapter.calendar(id, from, to),
  };
}

describe.each(DATABASE_TARGETS)('connector outage ($name)', (target) => {
  let hub: TestHub;
  let slowConnector: ServedConnector;
  const delay = { ms: 0 };

  beforeAll(async () => {
    hub = await startTestHub(target, { sourceTimeoutMs: 500 });
    const fast = sheet(hub.dataDir, 'fast.csv', [
      'F-1,X射线衍射仪,D8 ADVANCE,Bruker,分析仪器,深圳大学,高等院校,南山区,对外开放,闲置',
    ]);
    const slow = sheet(hub.dataDir, 'slow.csv', [
      'S-1,场发射扫描电子显微镜,Sigma 300,Zeiss,分析仪器,南方科技大学,高等院校,南山区,对外开放,在用',
    ]);
    const added = await hub.gql(ADD_SOURCE, addSourceInput('fast', 'SPREADSHEET', { file: fast }));
    expect(added.errors).toBeUndefined();
    // an institution running its own connector, whose system is sometimes slow
    slowConnector = await serveConnector({ sourceId: 'slow', credential: REMOTE_CREDENTIAL, adapter: slowed(createSpreadsheetAdapter('slow', { file: slow }), delay) });
    const remote = await hub.gql(ADD_SOURCE, addSourceInput('slow', 'REMOTE', { url: slowConnector.url }));
    expect(remote.errors).toBeUndefined();
  });
  afterAll(async () => {
    await hub?.close();
    await slowConnector?.close();
  });

  const QUERY = `{ instruments(first: 10) { totalCount edges { node { id name institution { name } live { state } } } } }`;

  it('answers with every source live when all are up', async () => {
    delay.ms = 0;
    const result = await hub.gql<{ instruments: { edges: Array<{ node: { id: string; live: { state: string } | null } }> } }>(QUERY);
    expect(result.errors).toBeUndefined();
    const live = Object.fromEntries(result.data!.instruments.edges.map((e) => [e.node.id, e.node.live?.state]));
    expect(live).toEqual({ 'fast:F-1': 'IDLE', 'slow:S-1': 'IN_USE' });
  });

  it('returns the slow source\'s live fields as null with an error naming it, within the timeout', async () => {
    delay.ms = 3000;
    const started = Date.now();
    const result = await hub.gql<{ instruments: { totalCount: number; edges: Array<{ node: { id: string; name: string; live: { state: string } | null } }> } }>(QUERY);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeLessThan(2500);
    const nodes = Object.fromEntries(result.data!.instruments.edges.map((e) => [e.node.id, e.node]));
    expect(result.data!.instruments.totalCount).toBe(2);
    expect(nodes['fast:F-1'].live).toEqual({ state: 'IDLE' });
    expect(nodes['slow:S-1'].name).toBe('场发射扫描电子显微镜');
    expect(nodes['slow:S-1'].live).toBeNull();
    expect(result.errors?.some((e) => e.message.includes('source slow') && e.message.includes('500 ms'))).toBe(true);
  });

  it('does the same when the connector is down altogether', async () => {
    delay.ms = 0;
    await slowConnector.close();
    const result = await hub.gql<{ instruments: { edges: Array<{ node: { id: string; live: { state: string } | null } }> } }>(QUERY);
    const live = Object.fromEntries(result.data!.instruments.edges.map((e) => [e.node.id, e.node.live]));
    expect(live['fast:F-1']).toEqual({ state: 'IDLE' });
    expect(live['slow:S-1']).toBeNull();
    expect(result.errors?.some((e) => e.message.includes('source slow') && /unreachable/.test(e.message))).toBe(true);
  });
});
