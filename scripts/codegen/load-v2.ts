// Reads an aws-sdk v2 "min" model (node_modules/aws-sdk/apis/<stem>.min.json) into the shape graph.
//
// The min format inlines every shape used once and names the shared ones "S4", "Sl", ...; an inline
// shape object carries its reference's traits mixed in (`{"location":"header","locationName":"ETag"}`
// is a string shape referenced from a header), and `{}` is a plain string. The v2 SDK reads such an
// object as one thing (lib/model/shape.js), and reads a `{shape, ...}` reference as the named shape
// overridden by the reference's keys. So any split of an inline object into shape + ref whose union
// is the original gives codecs (resolveRef: `{...shape, ...ref}`) the v2 SDK's view; the split below
// follows botocore's "normal" models, so that shapes can be shared and the model stays small.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { ServiceMetadata, ShapeType } from '../../src/aws/protocol/model.ts';
import type { MemberRef, OperationNode, ServiceGraph, ShapeNode, Traits } from './graph.ts';
import { compare } from './v3-schema.ts';

/**
 * Keys that describe the shape itself. On an inline shape every other key belongs to the reference
 * (location, locationName, queryName, xmlNamespace, xmlAttribute, jsonvalue, hostLabel,
 * idempotencyToken, eventpayload, contextParam, deprecated, resultWrapper, ...). Of the keys that can
 * sit on either, flattened/timestampFormat/streaming stay with an inline shape (botocore puts them
 * on list, timestamp and blob shapes) while locationName/xmlNamespace go to the reference (botocore
 * puts them on the member or operation input naming the element).
 */
const SHAPE_KEYS: ReadonlySet<string> = new Set([
  'type', 'required', 'payload', 'flattened', 'union', 'document', 'event', 'eventstream',
  'exception', 'error', 'fault', 'sensitive', 'streaming', 'requiresLength', 'timestampFormat',
  'wrapper', 'xmlOrder', 'synthetic', 'enum', 'min', 'max', 'pattern',
]);

/** Documentation only; the runtime model leaves it out. */
const DROPPED_KEYS: ReadonlySet<string> = new Set(['documentation', 'documentationUrl', 'deprecatedMessage']);

/** Operation traits the codecs, router and handlers use. */
const OPERATION_KEYS = [
  'http', 'endpoint', 'httpChecksum', 'httpChecksumRequired', 'authtype', 'auth', 'unsignedPayload',
  // CloudWatch's PutMetricData may arrive gzip-compressed; the server has to know to inflate it.
  'requestcompression',
] as const;

interface MinShape {
  shape?: string;
  type?: string;
  members?: Record<string, MinShape>;
  member?: MinShape;
  key?: MinShape;
  value?: MinShape;
  [trait: string]: unknown;
}

interface MinModel {
  metadata: ServiceMetadata;
  operations: Record<string, { input?: MinShape; output?: MinShape; errors?: MinShape[]; [k: string]: unknown }>;
  shapes: Record<string, MinShape>;
}

export function v2ModelSource(root: string, stem: string): { path: string; source: string } {
  const require = createRequire(join(root, 'package.json'));
  const pkg = require('aws-sdk/package.json') as { version: string };
  return {
    path: require.resolve(`aws-sdk/apis/${stem}.min.json`),
    source: `aws-sdk@${pkg.version} apis/${stem}.min.json`,
  };
}

export function loadV2Service(root: string, stem: string): ServiceGraph {
  const { path, source } = v2ModelSource(root, stem);
  const min = JSON.parse(readFileSync(path, 'utf8')) as MinModel;
  const reader = new MinReader(min);
  const operations = new Map<string, OperationNode>();
  for (const name of Object.keys(min.operations).sort(compare)) {
    const op = min.operations[name]!;
    const traits: Traits = {};
    for (const key of OPERATION_KEYS) if (op[key] !== undefined) traits[key] = op[key];
    // The v2 SDK defaults a missing method to POST and URI to '/' (lib/model/operation.js); spell
    // them out so the router and REST codecs need no defaults of their own.
    const { method = 'POST', requestUri = '/', ...http } = (op.http ?? {}) as Record<string, unknown>;
    traits.http = { method, requestUri, ...http };
    const node: OperationNode = { name, traits };
    if (op.input) node.input = reader.ref(op.input);
    if (op.output) node.output = reader.ref(op.output);
    if (op.errors?.length) node.errors = op.errors.map((e) => reader.ref(e));
    operations.set(name, node);
  }
  const metadata: ServiceMetadata = { ...min.metadata };
  for (const key of DROPPED_KEYS) delete metadata[key];
  return { metadata, operations, errors: [], sources: [source] };
}

class MinReader {
  private readonly model: MinModel;
  private readonly shared = new Map<string, ShapeNode>();

  constructor(model: MinModel) {
    this.model = model;
  }

  ref(obj: MinShape): MemberRef {
    if (obj.shape !== undefined) {
      const { shape, ...rest } = obj;
      return { node: this.sharedShape(shape), traits: strip(rest) };
    }
    const shapePart: MinShape = {};
    const refPart: Traits = {};
    for (const [k, v] of Object.entries(obj)) {
      if (DROPPED_KEYS.has(k)) continue;
      if (SHAPE_KEYS.has(k) || k === 'members' || k === 'member' || k === 'key' || k === 'value') shapePart[k] = v;
      else refPart[k] = v;
    }
    const node = this.newNode(shapePart);
    this.fill(node, shapePart);
    return { node, traits: refPart };
  }

  private sharedShape(name: string): ShapeNode {
    let node = this.shared.get(name);
    if (node) return node;
    const def = this.model.shapes[name];
    if (!def) throw new Error(`min model references missing shape ${name}`);
    // A shared shape keeps all its keys: they are the shape's own traits in the normal model too.
    const shapePart: MinShape = {};
    for (const [k, v] of Object.entries(def)) if (!DROPPED_KEYS.has(k)) shapePart[k] = v;
    node = this.newNode(shapePart);
    this.shared.set(name, node); // before filling: shared shapes may be recursive
    this.fill(node, shapePart);
    return node;
  }

  private newNode(def: MinShape): ShapeNode {
    const { members, member, key, value, type, ...traits } = def;
    return { type: shapeType(def), traits: traits as Traits };
  }

  private fill(node: ShapeNode, def: MinShape): void {
    if (node.type === 'structure') {
      node.members = new Map();
      for (const [name, m] of Object.entries(def.members ?? {})) node.members.set(name, this.ref(m));
    } else if (node.type === 'list') {
      node.member = this.ref(def.member ?? {});
    } else if (node.type === 'map') {
      // The v2 SDK defaults a map's key and value to strings.
      node.key = this.ref(def.key ?? {});
      node.value = this.ref(def.value ?? {});
    }
  }
}

/** The min format omits `type` where the v2 SDK infers it (lib/model/shape.js Shape.create). */
function shapeType(def: MinShape): ShapeType {
  if (def.type) return def.type as ShapeType;
  if (def.members) return 'structure';
  if (def.member) return 'list';
  if (def.key) return 'map';
  return 'string';
}

function strip(traits: Traits): Traits {
  const out: Traits = {};
  for (const [k, v] of Object.entries(traits)) if (!DROPPED_KEYS.has(k)) out[k] = v;
  return out;
}
