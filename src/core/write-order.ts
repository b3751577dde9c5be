// The order in which writes to one resource committed, for in-memory work that follows them (a timer
// armed after the unit that wrote a schedule has resolved). Two concurrent writes' follow-ups can run
// in either order; each takes a ticket inside its unit (units run one at a time, so tickets follow
// the commit order) and a follow-up holding an older ticket than one already applied is dropped.
export class WriteOrder {
  #applied = new Map<string, number>();
  #tickets = 0;

  /** A place in the write order: taken inside the unit that writes the resource. */
  ticket(): number {
    return ++this.#tickets;
  }

  /** Whether the follow-up holding `ticket` for `key` is the newest so far (and records it if so); no ticket always is. */
  newest(key: string, ticket: number | undefined): boolean {
    if (ticket === undefined) return true;
    if ((this.#applied.get(key) ?? 0) > ticket) return false;
    this.#applied.set(key, ticket);
    return true;
  }

  /** Forgets what was applied (the timers it ordered are gone: reset, stop). */
  clear(): void {
    this.#applied.clear();
  }
}
