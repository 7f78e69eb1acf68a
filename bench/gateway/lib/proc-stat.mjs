/**
 * CPU time and memory of a process tree from /proc (Linux). The benchmark divides work by the
 * system's own CPU seconds, because on two cores the load driver competes with the server and
 * wall-clock throughput would measure the driver as much as the system.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of utime/stime in /proc/PID/stat (USER_HZ, 100 on Linux). */
export const CLOCK_TICKS_PER_SECOND = 100;

/**
 * Parses one /proc/PID/stat line. The command name (field 2) is in parentheses and may itself
 * contain spaces and parentheses, so the fields are counted from the last `)`.
 * @returns {{ pid: number, command: string, parentPid: number, userTicks: number, systemTicks: number, rssPages: number }}
 */
export function parseProcStat(line) {
  const open = line.indexOf('(');
  const close = line.lastIndexOf(')');
  if (open < 0 || close < open) throw new Error(`not a /proc/PID/stat line: ${line.slice(0, 80)}`);
  // After ") " come the fields from 3 (state) on; index 0 here is field 3.
  const fields = line
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  return {
    pid: Number(line.slice(0, open).trim()),
    command: line.slice(open + 1, close),
    parentPid: Number(fields[1]),
    userTicks: Number(fields[11]),
    systemTicks: Number(fields[12]),
    rssPages: Number(fields[21]),
  };
}

function readStat(pid) {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined; // The process ended between listing and reading.
  }
}

/** The pid and all its live descendants (a Python server's workers, a CLI's child server). */
export function processTree(rootPid) {
  const children = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(entry);
    if (!stat) continue;
    const siblings = children.get(stat.parentPid) ?? [];
    siblings.push(stat.pid);
    children.set(stat.parentPid, siblings);
  }
  const tree = [];
  const pending = [rootPid];
  while (pending.length > 0) {
    const pid = pending.pop();
    tree.push(pid);
    pending.push(...(children.get(pid) ?? []));
  }
  return tree;
}

function rssBytes(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * CPU seconds (user + system) and resident memory of a process and its descendants, now.
 * @example const before = sampleProcessTree(pid); ...; const cpu = sampleProcessTree(pid).cpuSeconds - before.cpuSeconds;
 */
export function sampleProcessTree(rootPid) {
  let ticks = 0;
  let rss = 0;
  for (const pid of processTree(rootPid)) {
    const stat = readStat(pid);
    if (!stat) continue;
    ticks += stat.userTicks + stat.systemTicks;
    rss += rssBytes(pid);
  }
  return { cpuSeconds: ticks / CLOCK_TICKS_PER_SECOND, rssBytes: rss };
}
