/** `irhub start` as its own process, as operators run it: on a free port, with its output kept. */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';

export interface HubProcess {
  child: ChildProcess;
  port: number;
  url: string;
  /** stdout and stderr so far */
  output(): string;
  /** resolves with the exit code */
  exited: Promise<number | null>;
  kill(): void;
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** starts the hub and resolves once it prints its GraphQL address; rejects with its output if it exits first */
export async function startHubProcess(env: Record<string, string>): Promise<HubProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['gateway/bin/irhub.js', 'start'], {
    env: { ...process.env, IRHUB_DEMO: '0', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  child.stderr!.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (output.includes('GraphQL: http')) { clearInterval(timer); resolve(); }
      if (child.exitCode !== null) { clearInterval(timer); reject(new Error(`irhub start exited with ${child.exitCode}: ${output}`)); }
    }, 100);
  });
  return {
    child, port, url: `http://127.0.0.1:${port}`, exited,
    output: () => output,
    kill: () => { if (child.exitCode === null) child.kill('SIGKILL'); },
  };
}
