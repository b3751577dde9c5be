// Writes a shape graph as the runtime model (botocore's "normal" format, src/aws/protocol/model.ts):
// every shape named, every reference `{shape, ...refTraits}`, shapes and operations in name order.
//
// Names: v3's where merge-v3 found one; otherwise `${Operation}Request`/`${Operation}Response` for
// operation inputs/outputs, `${Parent}${Member}` for members, `${List}Member`, `${Map}Key`/`Value`.
// Scalars are named by content and shared (String, Integer, SensitiveString, TimestampIso8601...):
// the v2 model has thousands of anonymous ones and their identity means nothing.
import type { OperationModel, ServiceModel, Shape, ShapeRef } from '../../src/aws/protocol/model.ts';
import { isComposite, type MemberRef, type ServiceGraph, type ShapeNode, type Traits } from './graph.ts';
import { compare } from './v3-schema.ts';

export function writeModel(graph: ServiceGraph, comment: string): ServiceModel & { $comment: string } {
  const names = new Namer(graph);
  const shapes: Record<string, Shape> = {};
  const emitted = new Set<ShapeNode>();
  const ref = (r: MemberRef): ShapeRef => {
    emit(r.node);
    return { shape: names.of(r.node), ...sorted(r.traits) };
  };
  const emit = (node: ShapeNode): void => {
    if (emitted.has(node)) return;
    emitted.add(node);
    const shape: Shape = { type: node.type, ...sorted(node.traits) };
    if (node.members) {
      shape.members = {};
      for (const [name, m] of node.members) shape.members[name] = ref(m);
    }
    if (node.member) shape.member = ref(node.member);
    if (node.key) shape.key = ref(node.key);
    if (node.value) shape.value = ref(node.value);
    shapes[names.of(node)] = shape;
  };

  const operations: Record<string, OperationModel> = {};
  for (const [name, op] of graph.operations) {
    const { http, ...rest } = op.traits;
    const out: OperationModel = { name };
    if (http) out.http = http as OperationModel['http'];
    if (op.input) out.input = ref(op.input);
    if (op.output) out.output = ref(op.output);
    if (op.errors) out.errors = op.errors.map(ref);
    operations[name] = Object.assign(out, sorted(rest));
  }
  for (const node of graph.errors) emit(node);

  const byName: Record<string, Shape> = {};
  for (const name of Object.keys(shapes).sort(compare)) byName[name] = shapes[name]!;
  return { $comment: comment, metadata: graph.metadata, operations, shapes: byName };
}

/** Assigns every shape its name up front, so names do not depend on the order shapes are written. */
class Namer {
  private readonly names = new Map<ShapeNode, string>();
  private readonly taken = new Set<string>();

  constructor(graph: ServiceGraph) {
    const visit = (node: ShapeNode, fallback: string) => {
      if (this.names.has(node)) return;
      if (!isComposite(node)) {
        this.names.set(node, '');
        return;
      }
      const name = node.name ?? this.unique(fallback);
      this.names.set(node, name);
      for (const [member, r] of node.members ?? []) visit(r.node, name + pascal(member));
      if (node.member) visit(node.member.node, `${name}Member`);
      if (node.key) visit(node.key.node, `${name}Key`);
      if (node.value) visit(node.value.node, `${name}Value`);
    };
    // Names v3 gave are reserved first: a fallback name never takes one.
    const reserve = (node: ShapeNode, seen: Set<ShapeNode>) => {
      if (seen.has(node)) return;
      seen.add(node);
      if (node.name) this.taken.add(node.name);
      for (const r of node.members?.values() ?? []) reserve(r.node, seen);
      for (const r of [node.member, node.key, node.value]) if (r) reserve(r.node, seen);
    };
    const seen = new Set<ShapeNode>();
    for (const op of graph.operations.values()) {
      for (const r of [op.input, op.output, ...(op.errors ?? [])]) if (r) reserve(r.node, seen);
    }
    for (const node of graph.errors) reserve(node, seen);

    for (const [name, op] of graph.operations) {
      if (op.input) visit(op.input.node, `${name}Request`);
      if (op.output) visit(op.output.node, `${name}Response`);
      op.errors?.forEach((e) => visit(e.node, 'Error'));
    }
    for (const node of graph.errors) visit(node, 'Error');
    this.nameScalars();
  }

  of(node: ShapeNode): string {
    const name = this.names.get(node);
    if (!name) throw new Error('codegen: shape reached that was never named');
    return name;
  }

  private unique(base: string): string {
    let name = base;
    for (let i = 2; this.taken.has(name); i++) name = `${base}${i}`;
    this.taken.add(name);
    return name;
  }

  /** Identical scalars share one shape, named by what it is; names go in sorted order of content. */
  private nameScalars(): void {
    const byKey = new Map<string, ShapeNode[]>();
    for (const [node, name] of this.names) {
      if (name !== '') continue;
      const key = JSON.stringify({ type: node.type, ...sorted(node.traits) });
      const list = byKey.get(key) ?? [];
      list.push(node);
      byKey.set(key, list);
    }
    for (const key of [...byKey.keys()].sort(compare)) {
      const nodes = byKey.get(key)!;
      // Constrained scalars take botocore's name (TableName, not StringMaxMinPattern3); of several
      // shapes with the same content, the first name in order, so names do not depend on walk order.
      const hints = nodes.map((n) => n.constraintName).filter((h): h is string => h !== undefined).sort(compare);
      const name = this.unique(hints[0] ?? scalarName(nodes[0]!));
      for (const node of nodes) this.names.set(node, name);
    }
  }
}

const SCALAR_NAMES: Record<string, string> = {
  string: 'String', integer: 'Integer', long: 'Long', short: 'Short', byte: 'Byte', float: 'Float',
  double: 'Double', boolean: 'Boolean', timestamp: 'Timestamp', blob: 'Blob',
  bigdecimal: 'BigDecimal', biginteger: 'BigInteger',
};

function scalarName(node: ShapeNode): string {
  const { sensitive, streaming, requiresLength, deprecated, timestampFormat, ...other } = node.traits;
  let name = SCALAR_NAMES[node.type] ?? pascal(node.type);
  if (streaming) name = `Streaming${name}`;
  if (requiresLength) name = `${name}RequiresLength`;
  if (sensitive) name = `Sensitive${name}`;
  if (deprecated) name = `Deprecated${name}`;
  if (typeof timestampFormat === 'string') name += pascal(timestampFormat);
  for (const k of Object.keys(other).sort(compare)) name += pascal(k);
  return name;
}

export function pascal(s: string): string {
  const cleaned = s.replace(/[^A-Za-z0-9_]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ''));
  return cleaned.charAt(0).toUpperCase() + cleaned.slice(1);
}

function sorted(traits: Traits): Traits {
  const out: Traits = {};
  for (const k of Object.keys(traits).sort(compare)) out[k] = traits[k];
  return out;
}
