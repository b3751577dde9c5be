// EventBridge (and every filter on event-ruler) refuses wildcard patterns whose matching machine could be in too many states at once
// ("Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences
// after a wildcard character"). Its engine (event-ruler) measures, per field, the largest number of
// wildcard-pattern prefixes that one input value can keep alive simultaneously; a star is a self-loop
// on the state before it, not a state of its own. This reproduces that measure on the field's
// patterns: `*.png`, `*.jpg`, `*.gif` stay far below the limit, `*a*a*a…` and `*aaaa…` do not.
// Matching itself never depends on it (core/wildcard.ts is linear); this is about answering as AWS does.

/** Simultaneous prefixes EventBridge allows per field (event-ruler's evaluator, as EventBridge applies it). */
export const MAX_WILDCARD_COMPLEXITY = 10;
/** Subsets explored before giving up and calling the field too complex (bounds PutRule's own cost). */
const EXPLORATION_BUDGET = 20_000;

interface Machine {
  /** literals[j] is the character that moves state j to j + 1. */
  literals: string[];
  /** loops[j]: a star follows the first j literals, so state j stays alive on any character. */
  loops: boolean[];
}

function machineOf(pattern: string): Machine {
  const literals: string[] = [];
  const loops: boolean[] = [false];
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '*') loops[literals.length] = true;
    else {
      literals.push(ch === '\\' && i + 1 < pattern.length ? pattern[++i] : ch);
      loops.push(false);
    }
  }
  return { literals, loops };
}

/** The worst-case number of live prefixes over all inputs, or more than the limit once exceeded. */
export function wildcardComplexity(patterns: string[], limit = MAX_WILDCARD_COMPLEXITY): number {
  if (patterns.length === 0) return 0;
  const machines = patterns.map(machineOf);
  // A character no literal uses stands for all such characters (only the star loops take it).
  const OTHER = '\u{10FFFF}';
  // A subset is one sorted list of "machine:state" ids; the start is every machine in state 0.
  const start = machines.map((_, m) => `${m}:0`);
  const seen = new Set<string>([start.join(',')]);
  const pending: string[][] = [start];
  let worst = 0;
  while (pending.length) {
    if (seen.size > EXPLORATION_BUDGET) return limit + 1;
    const active = pending.pop()!;
    // Only the characters some active state can advance on lead anywhere new.
    const alphabet = new Set<string>([OTHER]);
    for (const id of active) {
      const colon = id.indexOf(':');
      const m = machines[Number(id.slice(0, colon))];
      const j = Number(id.slice(colon + 1));
      if (j < m.literals.length) alphabet.add(m.literals[j]);
    }
    for (const c of alphabet) {
      const next = new Set<string>();
      for (const id of active) {
        const colon = id.indexOf(':');
        const m = machines[Number(id.slice(0, colon))];
        const j = Number(id.slice(colon + 1));
        if (m.loops[j]) next.add(id);
        if (j < m.literals.length && m.literals[j] === c) next.add(`${id.slice(0, colon)}:${j + 1}`);
      }
      if (next.size === 0) continue;
      if (next.size > limit) return next.size;
      worst = Math.max(worst, next.size);
      const key = [...next].sort().join(',');
      if (!seen.has(key)) {
        seen.add(key);
        pending.push([...next]);
      }
    }
  }
  return worst;
}
