/**
 * Nothing leaves the machine without the operator's say: starting a hub and answering a query
 * connects to nothing beyond loopback — no usage reporting to Apollo, no cloud metadata probes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import { DATABASE_TARGETS, startTestHub, type TestHub } from './support/test-hub.ts';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost|::ffff:127\.\d+\.\d+\.\d+)$/;

/** every host a socket of this process is asked to connect to */
function watchConnections(): { hosts: string[]; stop(): void } {
  const hosts: string[] = [];
  const original = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
    const [first] = args;
    const options = (Array.isArray(first) ? first[0] : first) as { host?: string; path?: string } | number | string;
    if (typeof options === 'object' && options && !options.path) hosts.push(options.host ?? 'localhost');
    if (typeof options === 'number') hosts.push(typeof args[1] === 'string' ? args[1] : 'localhost');
    return (original as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof original;
  return { hosts, stop: () => { net.Socket.prototype.connect = original; } };
}

describe.each(DATABASE_TARGETS)('no phoning home ($name)', (target) => {
  let hub: TestHub;
  const watch = watchConnections();
  const warnings: string[] = [];
  const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);

  beforeAll(async () => {
    process.on('warning', onWarning);
    hub = await startTestHub(target);
  });
  afterAll(async () => {
    watch.stop();
    process.off('warning', onWarning);
    await hub?.close();
  });

  it('connects to nothing beyond loopback at start and while answering', async () => {
    expect((await hub.gql('{ instruments(first: 1) { totalCount } }', {}, null)).errors).toBeUndefined();
    // the cloud detectors and the metrics exporter would be under way by now
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(watch.hosts.length).toBeGreaterThan(0);
    expect(watch.hosts.filter((host) => !LOOPBACK.test(host))).toEqual([]);
    expect(warnings.filter((w) => /MetadataLookup/.test(w))).toEqual([]);
    expect(process.env.APOLLO_TELEMETRY_DISABLED).toBe('true');
  });
});
