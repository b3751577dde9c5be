// Merges a v3 client's schema into a service graph read from the v2 model: every operation, member
// and error the v3 schema has and the v2 model lacks is added, with its HTTP/XML bindings. The v2
// model stays the base (its shapes carry traits v3 schemas no longer do: contextParam, the S3 XML
// namespace, exact numeric types); v3 names its shapes.
//
// Two passes over the operations, in name order so output is deterministic:
//  1. walk each v2 input/output alongside its v3 counterpart and give v2 shapes their v3 names;
//  2. walk again and add what is missing, reusing the shapes named in pass 1, so a member v3 adds
//     that targets an existing shape (say a new member of type Tag) references that shape.
import type { ShapeType } from '../../src/aws/protocol/model.ts';
import {
  insertMember, isComposite, markRequired, type MemberRef, type OperationNode, type ServiceGraph,
  type ShapeNode, type Traits,
} from './graph.ts';
import { convertMember, convertShape, errorTraits, refTraits, type ConvertContext } from './v3-convert.ts';
import { compare, type V3Operation, type V3Service, type V3Shape } from './v3-schema.ts';

export interface MergeReport {
  service: string;
  source: string;
  addedOperations: string[];
  /** `Shape.Member` for every member added to an existing shape. */
  addedMembers: string[];
  addedErrors: string[];
  /** Existing members whose HTTP binding differs between the models (v2 kept). */
  bindingDifferences: string[];
  /** Existing members whose type differs between the models (v2 kept). */
  typeDifferences: string[];
  /** Operations of the v2 model the v3 schema no longer has (kept). */
  v2OnlyOperations: string[];
}

export function mergeV3(graph: ServiceGraph, v3: V3Service, service: string): MergeReport {
  const report: MergeReport = {
    service, source: v3.source, addedOperations: [], addedMembers: [], addedErrors: [],
    bindingDifferences: [], typeDifferences: [], v2OnlyOperations: [],
  };
  const byName = new Map<string, ShapeNode>();
  const numberTypes = collectNumberTypes(graph);
  const merged = new PairSet();
  const ctx: ConvertContext = {
    byName,
    numberType: (member) => (member && numberTypes.get(member)) || 'double',
    xmlNamespace: inferXmlNamespace(graph),
    onReuse: (node, shape) => mergeShape(node, shape, ctx, merged, report),
  };

  const named = new PairSet();
  for (const [name, op] of v3.operations) {
    const v2op = graph.operations.get(name);
    if (v2op?.input && op.input) nameShapes(v2op.input.node, op.input, byName, named);
    if (v2op?.output && op.output) nameShapes(v2op.output.node, op.output, byName, named);
  }

  const protocol = String(graph.metadata.protocol);
  for (const [name, op] of v3.operations) {
    const v2op = graph.operations.get(name);
    if (!v2op) {
      graph.operations.set(name, newOperation(op, protocol, ctx));
      report.addedOperations.push(name);
      continue;
    }
    if (op.input) {
      if (v2op.input) mergeShape(v2op.input.node, op.input, ctx, merged, report);
      else v2op.input = { node: convertShape(ctx, op.input), traits: {} };
    }
    if (op.output) {
      if (v2op.output) mergeShape(v2op.output.node, op.output, ctx, merged, report);
      else v2op.output = outputRef(op, protocol, ctx);
    }
  }
  graph.operations = new Map([...graph.operations].sort(([a], [b]) => compare(a, b)));
  for (const [name, op] of graph.operations) {
    if (v3.operations.has(name)) continue;
    report.v2OnlyOperations.push(name);
    // Dropped from the current SDK, so deprecated: routing prefers its successor on a shared URI
    // (S3's GetBucketLifecycle vs GetBucketLifecycleConfiguration on GET /{Bucket}?lifecycle).
    op.traits.deprecated = true;
  }

  for (const error of v3.errors) {
    const existing = byName.get(error.name!);
    if (existing) {
      // Only when a v2 shape had the error's name: make sure it reads as the error it is.
      if (!existing.traits.exception) Object.assign(existing.traits, errorTraits(error));
      mergeShape(existing, error, ctx, merged, report);
      continue;
    }
    graph.errors.push(convertShape(ctx, error));
    report.addedErrors.push(error.name!);
  }
  graph.sources.push(v3.source);
  return report;
}

/** Pass 1: v3 names for v2 shapes. First claim wins; a name already taken is left to the other shape. */
function nameShapes(node: ShapeNode, shape: V3Shape, byName: Map<string, ShapeNode>, seen: PairSet): void {
  if (!seen.add(node, shape)) return;
  if (shape.name && isComposite(node) && !node.name && !byName.has(shape.name)) {
    node.name = shape.name;
    byName.set(shape.name, node);
  }
  forEachPair(node, shape, (child, v3child) => nameShapes(child, v3child, byName, seen));
}

/** Pass 2: adds the members v3 has that the v2 shape lacks, at their v3 position. */
function mergeShape(node: ShapeNode, shape: V3Shape, ctx: ConvertContext, seen: PairSet, report: MergeReport): void {
  if (!seen.add(node, shape)) return;
  if (node.type === 'structure' && shape.members && !node.traits.document) {
    node.members ??= new Map();
    let previous: string | undefined;
    for (const [name, m] of shape.members) {
      const existing = node.members.get(name);
      if (existing) {
        const where = `${node.name ?? shape.name}.${name}`;
        const difference = bindingDifference(existing, refTraits(name, m));
        if (difference) report.bindingDifferences.push(`${where}: ${difference}`);
        if (!sameType(existing.node.type, m.target)) {
          report.typeDifferences.push(`${where}: v2 ${existing.node.type}, v3 ${m.target.kind}`);
        }
      } else {
        const ref = convertMember(ctx, name, m);
        insertMember(node, name, ref, previous);
        if (shape.required?.includes(name)) markRequired(node, name);
        if (m.traits.httpPayload && node.traits.payload === undefined) node.traits.payload = name;
        report.addedMembers.push(`${node.name ?? shape.name}.${name}`);
      }
      previous = name;
    }
  }
  forEachPair(node, shape, (child, v3child) => mergeShape(child, v3child, ctx, seen, report));
}

/** Calls `f` for each child shape present in both models (members, list member, map key/value). */
function forEachPair(node: ShapeNode, shape: V3Shape, f: (child: ShapeNode, v3child: V3Shape) => void): void {
  if (node.type === 'structure' && shape.members && node.members) {
    for (const [name, m] of shape.members) {
      const child = node.members.get(name);
      if (child) f(child.node, m.target);
    }
  } else if (node.type === 'list' && shape.kind === 'list' && node.member && shape.member) {
    f(node.member.node, shape.member.target);
  } else if (node.type === 'map' && shape.kind === 'map' && node.value && shape.value) {
    f(node.value.node, shape.value.target);
  }
}

function newOperation(op: V3Operation, protocol: string, ctx: ConvertContext): OperationNode {
  const traits: Traits = {};
  const http = op.traits.http as [string, string, number] | undefined;
  traits.http = http
    ? { method: http[0], requestUri: requestUri(http[1], op.input), responseCode: http[2] }
    : { method: 'POST', requestUri: '/' }; // RPC protocols: botocore's form
  const endpoint = op.traits.endpoint as [string] | undefined;
  if (endpoint) traits.endpoint = { hostPrefix: endpoint[0] };
  const node: OperationNode = { name: op.name, traits };
  if (op.input) {
    node.input = { node: convertShape(ctx, op.input), traits: {} };
    // A rest-xml input whose members go to the body is itself the root element; name it as botocore does.
    const hasBody = [...(op.input.members ?? [])].some(([name, m]) => !('location' in refTraits(name, m)));
    if (protocol === 'rest-xml' && hasBody && !node.input.node.traits.payload) {
      node.input.traits.locationName = (op.input.traits.xmlName as string | undefined) ?? op.input.name;
      if (ctx.xmlNamespace) node.input.traits.xmlNamespace = ctx.xmlNamespace;
    }
  }
  if (op.output) node.output = outputRef(op, protocol, ctx);
  return node;
}

function outputRef(op: V3Operation, protocol: string, ctx: ConvertContext): MemberRef {
  const ref: MemberRef = { node: convertShape(ctx, op.output!), traits: {} };
  // awsQuery wraps every result in <OperationResult>, which botocore models as resultWrapper.
  if (protocol === 'query') ref.traits.resultWrapper = `${op.name}Result`;
  return ref;
}

/**
 * The v3 clients take S3's bucket out of the URI (it goes to the host by endpoint rules) but keep
 * its httpLabel; put labels the URI lacks back at its start, where the Smithy model has them.
 */
function requestUri(uri: string, input: V3Shape | undefined): string {
  const missing = [...(input?.members ?? [])]
    .filter(([name, m]) => m.traits.httpLabel && !uri.includes(`{${name}}`) && !uri.includes(`{${name}+}`))
    .map(([name]) => `/{${name}}`);
  if (missing.length === 0) return uri;
  return missing.join('') + (uri === '/' ? '' : uri.startsWith('/?') ? uri.slice(1) : uri);
}

function bindingDifference(v2: MemberRef, v3: Traits): string | undefined {
  const view = { ...v2.node.traits, ...v2.traits };
  const where = (t: Traits) => {
    const location = (t.location as string | undefined) ?? 'body';
    if (location === 'body' || location === 'statusCode') return location;
    const name = typeof t.locationName === 'string' ? t.locationName : '';
    return `${location}:${location === 'header' || location === 'headers' ? name.toLowerCase() : name}`;
  };
  const a = where(view);
  const b = where(v3);
  return a === b ? undefined : `v2 ${a}, v3 ${b}`;
}

/** Whether a v2 shape type is the one a v3 kind converts to (v3 has a single number kind). */
function sameType(type: string, shape: V3Shape): boolean {
  switch (shape.kind) {
    case 'number': return NUMBER_TYPES.has(type);
    case 'union': case 'document': return type === 'structure';
    case 'bigInteger': return type === 'biginteger';
    case 'bigDecimal': return type === 'bigdecimal';
    default: return type === shape.kind;
  }
}

/** Member name → numeric type, from the v2 model, for the names that always have one type. */
function collectNumberTypes(graph: ServiceGraph): Map<string, ShapeType> {
  const seen = new Map<string, Set<ShapeType>>();
  walkGraph(graph, (node) => {
    for (const [name, ref] of node.members ?? []) {
      if (!NUMBER_TYPES.has(ref.node.type)) continue;
      const set = seen.get(name) ?? new Set();
      set.add(ref.node.type);
      seen.set(name, set);
    }
  });
  const out = new Map<string, ShapeType>();
  for (const [name, types] of seen) if (types.size === 1) out.set(name, [...types][0]!);
  return out;
}

const NUMBER_TYPES: ReadonlySet<string> = new Set(['integer', 'long', 'short', 'byte', 'float', 'double']);

/**
 * The XML namespace a rest-xml service's request bodies declare, when the v2 model gives the same
 * one on every operation input or payload member that has one (S3's
 * http://s3.amazonaws.com/doc/2006-03-01/); v3 keeps it as a service trait its schemas leave out.
 */
function inferXmlNamespace(graph: ServiceGraph): Traits['xmlNamespace'] | undefined {
  if (graph.metadata.protocol !== 'rest-xml') return undefined;
  const found = new Set<string>();
  const note = (t: Traits) => {
    if (t.xmlNamespace !== undefined) found.add(JSON.stringify(t.xmlNamespace));
  };
  for (const op of graph.operations.values()) {
    if (!op.input) continue;
    note(op.input.traits);
    const payload = op.input.node.traits.payload as string | undefined;
    const member = payload ? op.input.node.members?.get(payload) : undefined;
    if (member) note({ ...member.node.traits, ...member.traits });
  }
  return found.size === 1 ? (JSON.parse([...found][0]!) as Traits['xmlNamespace']) : undefined;
}

/** Visits every shape reachable from the operations once, structures included. */
export function walkGraph(graph: ServiceGraph, visit: (node: ShapeNode) => void): void {
  const seen = new Set<ShapeNode>();
  const walk = (node: ShapeNode) => {
    if (seen.has(node)) return;
    seen.add(node);
    visit(node);
    for (const ref of node.members?.values() ?? []) walk(ref.node);
    for (const ref of [node.member, node.key, node.value]) if (ref) walk(ref.node);
  };
  for (const op of graph.operations.values()) {
    for (const ref of [op.input, op.output, ...(op.errors ?? [])]) if (ref) walk(ref.node);
  }
  for (const node of graph.errors) walk(node);
}

/** Remembers which (v2 shape, v3 shape) pairs a pass has handled; shapes may be recursive. */
class PairSet {
  private readonly pairs = new Map<ShapeNode, Set<V3Shape>>();

  /** False when the pair was already there. */
  add(node: ShapeNode, shape: V3Shape): boolean {
    let set = this.pairs.get(node);
    if (!set) this.pairs.set(node, (set = new Set()));
    if (set.has(shape)) return false;
    set.add(shape);
    return true;
  }
}
