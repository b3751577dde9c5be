// How deep a parsed JSON document nests. JSON.parse is iterative and accepts any depth, but the code
// that later walks or re-serialises a document (JSON.stringify included) recurses and overflows the
// stack somewhere past a few thousand levels; documents from clients are measured here first.

/**
 * The nesting depth of `root`, counting `start` for the value itself (a scalar adds nothing); stops
 * counting once past `max`. Iterative, so it is safe on any document JSON.parse accepted.
 */
export function jsonNestingDepth(root: unknown, max: number, start = 1): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[root, start]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (d > deepest) deepest = d;
    if (deepest > max) return deepest;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (typeof child === 'object' && child !== null) stack.push([child, d + 1]);
    }
  }
  return deepest;
}
