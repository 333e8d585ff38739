/** `irhub` commands as processes of their own, as operators run them: on free ports, with their output kept. */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';

export interface IrhubProcess {
  child: ChildProcess;
  /** stdout and stderr so far */
  output(): string;
  /** resolves with the exit code */
  exited: Promise<number | null>;
  /** SIGTERM, and the exit awaited (SIGKILL after 15 s) */
  stop(): Promise<void>;
  kill(): void;
}

export interface HubProcess extends IrhubProcess {
  port: number;
  url: string;
}

async function portIsFree(port: number): Promise<boolean> {
  const server = net.createServer();
  return new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** the first of `count` consecutive ports that are all free now (tried at random above the usual ones) */
export async function freePortRun(count: number): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const first = 20_000 + Math.floor(Math.random() * 30_000);
    let free = true;
    for (let port = first; free && port < first + count; port++) free = await portIsFree(port);
    if (free) return first;
  }
  throw new Error(`no ${count} consecutive free ports found`);
}

/** runs `irhub <args>` and resolves once its output contains `ready`; rejects with its output if it exits first */
export async function startIrhubProcess(args: string[], env: Record<string, string>, ready: string, timeoutMs = 240_000): Promise<IrhubProcess> {
  const child = spawn(process.execPath, ['gateway/bin/irhub.js', ...args], {
    env: { ...process.env, IRHUB_DEMO: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  child.stderr!.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const kill = () => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); };
  const started = Date.now();
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (output.includes(ready)) { clearInterval(timer); resolve(); }
      else if (child.exitCode !== null) { clearInterval(timer); reject(new Error(`irhub ${args.join(' ')} exited with ${child.exitCode}: ${output}`)); }
      else if (Date.now() - started > timeoutMs) { clearInterval(timer); kill(); reject(new Error(`irhub ${args.join(' ')} not ready within ${timeoutMs} ms: ${output}`)); }
    }, 100);
  });
  return {
    child, exited, kill,
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(kill, 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** starts the hub and resolves once it prints its GraphQL address; rejects with its output if it exits first */
export async function startHubProcess(env: Record<string, string>): Promise<HubProcess> {
  const port = await freePort();
  const hub = await startIrhubProcess(['start'], { ...env, PORT: String(port) }, 'GraphQL: http');
  return { ...hub, port, url: `http://127.0.0.1:${port}` };
}
