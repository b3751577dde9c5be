// What Linux's /proc says about a process: enough to tell "the process we started" from a process
// that merely got its pid later (pids are recycled). A process is identified by its pid together with
// its start time (field 22 of /proc/<pid>/stat, in clock ticks since boot) and the boot it runs in.
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcessIdentity {
  pid: number;
  /** Start time in clock ticks after boot: with the pid and boot id, unique to one process. */
  startTime: string;
  bootId: string;
  /** The process group (engines lead their own, so that their children go with them). */
  pgrp: number;
  cmdline: string;
}

let bootIdCache: string | undefined;

/** The kernel's id of this boot ('' where there is no /proc). */
export function bootId(): string {
  if (bootIdCache !== undefined) return bootIdCache;
  try {
    bootIdCache = readFileSync('/proc/sys/kernel/random/boot_id', 'latin1').trim();
  } catch {
    bootIdCache = '';
  }
  return bootIdCache;
}

/** Whether /proc can tell processes apart here (Linux); elsewhere no leftover is ever killed. */
export function procAvailable(): boolean {
  return bootId() !== '';
}

/** The identity of a live process, or undefined when there is none with that pid (or no /proc). */
export function identify(pid: number): ProcessIdentity | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may itself hold spaces and parentheses.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): a zombie has exited already and only waits for its parent.
  if (fields[0] === 'Z' || fields[0] === 'X') return undefined;
  let cmdline = '';
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'latin1').replaceAll('\0', ' ').trim();
  } catch {}
  return { pid, startTime: fields[19], bootId: bootId(), pgrp: Number(fields[2]), cmdline };
}

/** Whether `pid` is still the very process that `who` describes. */
export function isSameProcess(who: { pid: number; startTime: string; bootId: string }): boolean {
  const now = identify(who.pid);
  return !!now && now.startTime === who.startTime && now.bootId === who.bootId;
}

/** Live members of process group `pgrp`. */
export function groupMembers(pgrp: number): number[] {
  const out: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return out;
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    const who = identify(Number(e));
    if (who && who.pgrp === pgrp) out.push(who.pid);
  }
  return out;
}

/** Sends a signal to a whole process group; false when it has no members left. */
export function signalGroup(pgrp: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgrp, signal);
    return true;
  } catch {
    return false;
  }
}
