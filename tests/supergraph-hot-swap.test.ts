/**
 * Adding or removing a source changes the supergraph while the hub runs: no restart, the
 * SDL is stored for other replicas, and the command line shows and prints it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { ADD_SOURCE, addSourceInput, DATABASE_TARGETS, startTestHub, type TestHub } from './support/test-hub.ts';
import { writeSheet } from './support/source-fixtures.ts';

const run = promisify(execFile);
const CLI = path.resolve('gateway/bin/irhub.js');

describe.each(DATABASE_TARGETS)('supergraph hot swap ($name)', (target) => {
  let hub: TestHub;
  const cli = (...args: string[]) => run('node', [CLI, ...args], { env: { ...process.env, IRHUB_URL: hub.url, IRHUB_TOKEN: hub.adminToken } }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );

  beforeAll(async () => {
    hub = await startTestHub(target);
  });
  afterAll(async () => {
    await hub?.close();
  });

  it('serves a newly added source\'s type without a restart, and drops a removed one', async () => {
    const before = await hub.gql<{ __type: { possibleTypes: Array<{ name: string }> } }>(`{ __type(name: "Instrument") { possibleTypes { name } } }`);
    expect(before.data!.__type.possibleTypes).toEqual([]);

    const file = writeSheet(hub.dataDir, 'clinic.csv', [['C-1', '超高效液相色谱-质谱联用仪', 'UPLC-MS/MS', 'Xevo TQ-XS', 'Waters', '分析仪器', '320', '2021-04-01', '深圳市人民医院', '医疗机构', '罗湖区', '对外开放', '闲置', '500']]);
    const added = await hub.gql(ADD_SOURCE, addSourceInput('clinic-lab', 'SPREADSHEET', { file }));
    expect(added.errors).toBeUndefined();
    const after = await hub.gql<{ instrument: { __typename: string; name: string; live: { state: string } } }>(`{ instrument(id: "clinic-lab:C-1") { __typename name live { state } } }`);
    expect(after.data!.instrument).toEqual({ __typename: 'ClinicLabInstrument', name: '超高效液相色谱-质谱联用仪', live: { state: 'IDLE' } });

    const stored = readFileSync(path.join(hub.dataDir, 'supergraph.graphql'), 'utf8');
    expect(stored).toContain('type ClinicLabInstrument implements Instrument');
    // the hub's subgraphs and its hosted connectors describe every shared type alike: composition notices nothing
    // (what it would notice is logged and counted: tests/composition-hints.test.ts)
    expect(hub.logs.filter((l) => l.startsWith('supergraph composed with 1 source(s)')).at(-1)).toMatch(/^supergraph composed with 1 source\(s\) in \d+ ms$/);
    const metrics = await (await fetch(`${hub.url}/metrics`)).text();
    expect(metrics).not.toMatch(/^irhub_composition_hints\{code="[A-Z_]+"\} [1-9]/m);

    const removed = await hub.gql(`mutation { removeSource(id: "clinic-lab") }`);
    expect(removed.errors).toBeUndefined();
    const gone = await hub.gql(`{ __type(name: "ClinicLabInstrument") { name } instruments { totalCount } }`);
    expect(gone.data).toEqual({ __type: null, instruments: { totalCount: 0 } });
  });

  // eight CLI processes, each loading the TypeScript sources through tsx: 40–60 s on two busy cores, which is
  // the start-up of a process, not what this test is about
  it('drives the registry from the command line: add, list, harvest, supergraph, remove', { timeout: 240_000 }, async () => {
    const file = writeSheet(hub.dataDir, 'lab.csv', [
      ['L-1', '原子力显微镜', 'Atomic Force Microscope', 'Dimension Icon', 'Bruker', '分析仪器', '210', '2019-09-01', '深圳技术大学', '高等院校', '坪山区', '对外开放', '在用', '350'],
      ['L-2', '差示扫描量热仪', 'DSC', 'DSC 2500', 'TA Instruments', '分析仪器', '45', '不知道', '深圳技术大学', '高等院校', '坪山区', '对外开放', '闲置', '120'],
    ]);
    const add = await cli('sources', 'add', 'sztu', '--file', file);
    expect(add.stdout).toContain('source sztu registered');
    expect(add.stdout).toMatch(/1 imported, 1 rejected/);
    expect(add.stdout).toMatch(/row 3, purchase_date: not a date/);

    const list = await cli('sources', 'list');
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/sztu\s+spreadsheet\s+1\s+yes\s+succeeded/);

    const harvest = await cli('sources', 'harvest', 'sztu');
    expect(harvest.code).toBe(0);
    expect(harvest.stdout).toMatch(/harvest sztu: SUCCEEDED/);

    const missing = await cli('sources', 'harvest', 'nope');
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/no source nope/);

    const sdl = await cli('supergraph');
    expect(sdl.stdout).toContain('type SztuInstrument implements Instrument');
    expect(sdl.stdout).toContain('@join__graph');

    const remove = await cli('sources', 'remove', 'sztu');
    expect(remove.stdout).toContain('source sztu removed');

    // the same spreadsheet, configured in YAML with a path relative to the config file
    const yamlConfig = path.join(hub.dataDir, 'lab.yaml');
    writeFileSync(yamlConfig, 'file: lab.csv\ndefaults:\n  institutionType: 高等院校\n');
    const yaml = await cli('sources', 'add', 'sztu-yaml', '--kind', 'spreadsheet', '--config', yamlConfig);
    expect(yaml.stdout).toMatch(/source sztu-yaml registered/);
    const brokenYaml = path.join(hub.dataDir, 'broken.yml');
    writeFileSync(brokenYaml, 'file: [unclosed\n');
    const broken = await cli('sources', 'add', 'broken', '--kind', 'spreadsheet', '--config', brokenYaml);
    expect(broken.code).not.toBe(0);
    expect(broken.stderr).toMatch(/broken\.yml: not valid YAML/);
  });
});
