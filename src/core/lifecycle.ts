// What Fogbank runs besides answering requests — services' background work, engines (the supervisor,
// src/core/engines/), in-memory state — pauses and resumes around a snapshot restore (DESIGN.md §4):
// suspend before the state is swapped, resume after, as after a restart. Both run hooks in
// registration order, so what registered first (the services' timers) is back before what is
// built on it (engines).
export type LifecycleHook = () => void | Promise<void>;

export class Lifecycle {
  #suspend: LifecycleHook[] = [];
  #resume: LifecycleHook[] = [];

  /** Stops background work before the state is swapped (a restore); returns an unregister function. */
  onSuspend(hook: LifecycleHook): () => void {
    this.#suspend.push(hook);
    return () => remove(this.#suspend, hook);
  }

  /** Starts it again from the swapped state (timers re-armed from the tables, engines restarted). */
  onResume(hook: LifecycleHook): () => void {
    this.#resume.push(hook);
    return () => remove(this.#resume, hook);
  }

  async suspend(): Promise<void> {
    await runAll(this.#suspend);
  }

  async resume(): Promise<void> {
    await runAll(this.#resume);
  }
}

function remove(list: LifecycleHook[], hook: LifecycleHook): void {
  const i = list.indexOf(hook);
  if (i >= 0) list.splice(i, 1);
}

/** Every hook runs even if one fails; the first failure is reported after all have run. */
async function runAll(hooks: readonly LifecycleHook[]): Promise<void> {
  let failure: unknown;
  for (const hook of [...hooks]) {
    try {
      await hook();
    } catch (err) {
      failure ??= err;
    }
  }
  if (failure !== undefined) throw failure;
}
