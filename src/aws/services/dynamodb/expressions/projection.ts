// Projections (ProjectionExpression, AttributesToGet, index projections): the listed document paths
// of an item, nested maps and lists kept, list elements in index order.
import type { PathPart } from './ast.ts';
import { getPath } from './evaluate.ts';
import type { AttributeValue, Item } from '../values/attribute.ts';
import { setOwn } from '../../../../core/records.ts';

interface Node {
  value?: AttributeValue;
  keys?: Map<string, Node>;
  indexes?: Map<number, Node>;
}

function materialize(n: Node): AttributeValue {
  if (n.value) return n.value;
  if (n.keys) {
    const m: Record<string, AttributeValue> = {};
    for (const [k, v] of n.keys) setOwn(m, k, materialize(v));
    return { M: m };
  }
  return { L: [...n.indexes!.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => materialize(v)) };
}

export function project(item: Item, paths: ReadonlyArray<readonly PathPart[]>): Item {
  const root = new Map<string, Node>();
  for (const parts of paths) {
    const v = getPath(item, parts);
    if (!v) continue;
    const first = parts[0] as { name: string };
    let node = root.get(first.name);
    if (!node) root.set(first.name, (node = {}));
    for (let i = 1; i < parts.length; i++) {
      const p = parts[i];
      let next: Node | undefined;
      if (p.kind === 'attr') {
        node.keys ??= new Map();
        next = node.keys.get(p.name);
        if (!next) node.keys.set(p.name, (next = {}));
      } else {
        node.indexes ??= new Map();
        next = node.indexes.get(p.index);
        if (!next) node.indexes.set(p.index, (next = {}));
      }
      node = next;
    }
    node.value = v;
  }
  const out: Item = {};
  for (const [k, n] of root) setOwn(out, k, materialize(n));
  return out;
}

/** Top-level attributes only (AttributesToGet, index projections): no path walking needed. */
export function pickAttributes(item: Item, names: Iterable<string>): Item {
  const out: Item = {};
  for (const n of names) if (Object.hasOwn(item, n)) setOwn(out, n, item[n]);
  return out;
}
