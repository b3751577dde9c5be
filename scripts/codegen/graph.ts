// The form codegen works on between reading the models and writing files. Shapes are objects, not
// names: the v2 "min" model's inline shapes have no names, and names come later, from the v3 schema
// where it has one. Splitting shape traits from reference traits happens on the way in, so that the
// written model's `{...shape, ...ref}` (resolveRef) is exactly what the v2 SDK sees.
import type { ServiceMetadata, ShapeType } from '../../src/aws/protocol/model.ts';

export type Traits = Record<string, unknown>;

export interface ShapeNode {
  type: ShapeType;
  /** Shape-level traits other than the children below (required, payload, sensitive, ...). */
  traits: Traits;
  members?: Map<string, MemberRef>;
  member?: MemberRef;
  key?: MemberRef;
  value?: MemberRef;
  /** The name a v3 schema gave this shape; the writer names the rest. */
  name?: string;
  /** A constrained scalar's botocore shape name (merge-botocore.ts): the writer's hint for its name. */
  constraintName?: string;
}

export interface MemberRef {
  node: ShapeNode;
  /** Reference-level traits (location, locationName, flattened on a member, ...). */
  traits: Traits;
}

export interface OperationNode {
  name: string;
  /** http, endpoint, httpChecksum, authtype, ... as in the "normal" model. */
  traits: Traits;
  input?: MemberRef;
  output?: MemberRef;
  errors?: MemberRef[];
}

export interface ServiceGraph {
  metadata: ServiceMetadata;
  operations: Map<string, OperationNode>;
  /** Shapes reachable from no operation that the model still carries: the modelled errors. */
  errors: ShapeNode[];
  /** Where the data came from, for the generated files' first line. */
  sources: string[];
}

export const COMPOSITE_TYPES: ReadonlySet<string> = new Set(['structure', 'list', 'map']);

export function isComposite(node: ShapeNode): boolean {
  return COMPOSITE_TYPES.has(node.type);
}

export function structureNode(traits: Traits = {}): ShapeNode {
  return { type: 'structure', traits, members: new Map() };
}

/** Adds `name` to a structure's required list, keeping the list's order of first mention. */
export function markRequired(node: ShapeNode, name: string): void {
  const required = (node.traits.required as string[] | undefined) ?? [];
  if (!required.includes(name)) node.traits.required = [...required, name];
}

/** Inserts a member after `after` (or at the end), preserving the other members' order. */
export function insertMember(node: ShapeNode, name: string, ref: MemberRef, after?: string): void {
  // The v2 SDK serializes an xmlOrder shape's members in that order only; keep the new one in it.
  const order = node.traits.xmlOrder;
  if (Array.isArray(order) && !order.includes(name)) {
    const at = after === undefined ? -1 : order.indexOf(after);
    node.traits.xmlOrder = at < 0 ? [...order, name] : [...order.slice(0, at + 1), name, ...order.slice(at + 1)];
  }
  const members = node.members ?? new Map<string, MemberRef>();
  if (after === undefined || !members.has(after)) {
    members.set(name, ref);
    node.members = members;
    return;
  }
  const next = new Map<string, MemberRef>();
  for (const [n, r] of members) {
    next.set(n, r);
    if (n === after) next.set(name, ref);
  }
  node.members = next;
}
