// A file per running engine process, so that a Fogbank that was killed (kill -9, a crash, a power
// cut of the terminal) leaves a trail: the next start finds the processes it left and stops them.
// Each record names the process by pid + start time + boot id (a recycled pid is never taken for
// it) and names its owner the same way (a record of another Fogbank that still runs is left alone:
// ephemeral instances share one directory).
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bootId, groupMembers, identify, isSameProcess, procAvailable, signalGroup, type ProcessIdentity } from './proc.ts';

export interface PidRecord {
  engine: string;
  kind: string;
  resource: string;
  process: ProcessIdentity;
  owner: { pid: number; startTime: string; bootId: string };
  writtenAt: string;
}

export interface Leftover {
  engine: string;
  kind: string;
  resource: string;
  pid: number;
  cmdline: string;
  /** How many processes were signalled (the engine and what it started in its group). */
  stopped: number;
}

export class PidFiles {
  readonly dir: string;
  readonly #owner: PidRecord['owner'] | undefined;

  constructor(dir: string) {
    this.dir = dir;
    const me = identify(process.pid);
    this.#owner = me && { pid: me.pid, startTime: me.startTime, bootId: me.bootId };
  }

  #file(engine: string): string {
    return join(this.dir, `${this.#owner?.pid ?? process.pid}-${engine.replace(/[^A-Za-z0-9_.-]/g, '_')}.json`);
  }

  /** Records a started process (nothing where /proc cannot identify it). */
  write(engine: string, kind: string, resource: string, pid: number): void {
    if (!this.#owner) return;
    const who = identify(pid);
    if (!who) return;
    const record: PidRecord = { engine, kind, resource, process: who, owner: this.#owner, writtenAt: new Date().toISOString() };
    mkdirSync(this.dir, { recursive: true });
    writeFileSync(this.#file(engine), JSON.stringify(record));
  }

  remove(engine: string): void {
    rmSync(this.#file(engine), { force: true });
  }

  /**
   * Stops the processes of Fogbanks that ended without stopping them: SIGTERM to each leftover's
   * process group, SIGKILL to what is left after `graceMs`. Records of live Fogbanks stay.
   */
  async stopLeftovers(graceMs: number): Promise<Leftover[]> {
    if (!procAvailable()) return [];
    let names: string[];
    try {
      names = readdirSync(this.dir).filter((n) => n.endsWith('.json'));
    } catch {
      return [];
    }
    const found: Leftover[] = [];
    const groups: number[] = [];
    for (const name of names) {
      const path = join(this.dir, name);
      let record: PidRecord;
      try {
        record = JSON.parse(readFileSync(path, 'utf8')) as PidRecord;
      } catch {
        rmSync(path, { force: true });
        continue;
      }
      if (isSameProcess(record.owner)) continue;
      rmSync(path, { force: true });
      const p = record.process;
      if (p.bootId !== bootId()) continue; // a record from before a reboot: its processes are gone
      let members: number[];
      if (isSameProcess(p)) members = groupMembers(p.pid);
      else if (identify(p.pid)) continue; // the pid now belongs to another process: not ours
      else members = groupMembers(p.pid); // the engine is gone; what it started may still run in its group
      if (members.length === 0) continue;
      signalGroup(p.pid, 'SIGTERM');
      groups.push(p.pid);
      found.push({ engine: record.engine, kind: record.kind, resource: record.resource, pid: p.pid, cmdline: p.cmdline, stopped: members.length });
    }
    const deadline = Date.now() + graceMs;
    while (groups.some((g) => groupMembers(g).length > 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    for (const g of groups) if (groupMembers(g).length > 0) signalGroup(g, 'SIGKILL');
    return found;
  }
}
