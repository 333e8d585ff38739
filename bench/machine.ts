/** One line describing the machine a benchmark ran on, printed with every figure. */
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';

export function machineLine(): string {
  const cpus = os.cpus();
  return `machine: ${cpus.length} cores (${cpus[0]?.model.trim() ?? 'unknown cpu'}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`;
}

export function percentile(sortedMs: readonly number[], p: number): number {
  if (sortedMs.length === 0) return Number.NaN;
  const index = Math.min(sortedMs.length - 1, Math.ceil((p / 100) * sortedMs.length) - 1);
  return sortedMs[Math.max(0, index)];
}

/** CPU seconds this process has used so far, all its threads (the event loop, the garbage collector's helpers). */
export function processCpuSeconds(): number {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1e6;
}

/** Linux counts process times in these ticks a second (USER_HZ, 100 on every current kernel) */
const TICKS_PER_SECOND = 100;

/**
 * CPU seconds used so far by the client backends of a PostgreSQL server on this machine (read from
 * /proc; a backend shows its client's address in its title), or null where there is no such server or
 * no /proc: with `processCpuSeconds`, where a run's work went, which its wall time alone cannot say on
 * a machine whose speed varies from minute to minute.
 */
export function localPostgresCpuSeconds(): number | null {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry));
  } catch {
    return null;
  }
  let ticks = 0;
  let backends = 0;
  for (const pid of pids) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'postgres') continue;
      if (!/\(\d+\)/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'))) continue;
      // the fields after the command's closing parenthesis: utime and stime are the 12th and 13th
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
      backends += 1;
    } catch {
      // the process ended meanwhile
    }
  }
  return backends > 0 ? ticks / TICKS_PER_SECOND : null;
}
