// Turns v3 schema shapes and members into shape-graph nodes and references with the traits a
// botocore "normal" model would carry for them (the v2 SDK's vocabulary, which the codecs read).
import type { ShapeType } from '../../src/aws/protocol/model.ts';
import { markRequired, type MemberRef, type ShapeNode, type Traits } from './graph.ts';
import type { V3Member, V3Shape } from './v3-schema.ts';

export interface ConvertContext {
  /** Composite shapes by name: v2 shapes matched to a v3 name, and shapes made from v3 so far. */
  byName: Map<string, ShapeNode>;
  /** v3 has one "number" type; the v2 model's type for a member of the same name, when unambiguous. */
  numberType(memberName: string | undefined): ShapeType;
  /** Namespace the service's XML bodies use (S3's is in no v3 schema; see inferXmlNamespace). */
  xmlNamespace?: Traits['xmlNamespace'];
  /** Called for every composite shape made from v3, to merge into shapes that already exist. */
  onReuse(node: ShapeNode, shape: V3Shape): void;
}

/** The normal-model reference traits for a v3 member: HTTP bindings, XML and JSON names. */
export function refTraits(memberName: string, m: V3Member): Traits {
  const t = m.traits;
  const out: Traits = {};
  if (t.httpLabel) Object.assign(out, { location: 'uri', locationName: memberName });
  else if (typeof t.httpQuery === 'string') Object.assign(out, { location: 'querystring', locationName: t.httpQuery });
  else if (t.httpQueryParams) out.location = 'querystring';
  else if (typeof t.httpHeader === 'string') Object.assign(out, { location: 'header', locationName: t.httpHeader });
  else if (typeof t.httpPrefixHeaders === 'string') Object.assign(out, { location: 'headers', locationName: t.httpPrefixHeaders });
  else if (t.httpResponseCode) out.location = 'statusCode';
  else if (typeof t.xmlName === 'string') out.locationName = t.xmlName;
  else if (typeof t.jsonName === 'string') out.locationName = t.jsonName;
  if (typeof t.ec2QueryName === 'string') out.queryName = t.ec2QueryName;
  if (t.xmlAttribute) out.xmlAttribute = true;
  if (t.xmlFlattened) out.flattened = true;
  if (t.xmlNamespace !== undefined) out.xmlNamespace = xmlNamespace(t.xmlNamespace);
  if (t.idempotencyToken) out.idempotencyToken = true;
  if (t.hostLabel) out.hostLabel = true;
  if (t.eventPayload) out.eventpayload = true;
  if (t.eventHeader) out.eventheader = true;
  // botocore marks JSON-valued headers (a @mediaType of application/json) as jsonvalue.
  if (out.location === 'header' && typeof t.mediaType === 'string' && t.mediaType.includes('json')) out.jsonvalue = true;
  return out;
}

export function xmlNamespace(v: unknown): Traits['xmlNamespace'] {
  if (Array.isArray(v)) return v[0] ? { prefix: v[0] as string, uri: v[1] as string } : { uri: v[1] as string };
  return typeof v === 'string' ? { uri: v } : v;
}

export function convertMember(ctx: ConvertContext, memberName: string | undefined, m: V3Member): MemberRef {
  const node = convertShape(ctx, m.target, memberName);
  // Traits only ever seen on members in v3 but that botocore keeps on the shape.
  if (m.traits.sensitive && !isReused(ctx, node)) node.traits.sensitive = true;
  return { node, traits: memberName === undefined ? listMemberTraits(m) : refTraits(memberName, m) };
}

function listMemberTraits(m: V3Member): Traits {
  const out: Traits = {};
  if (typeof m.traits.xmlName === 'string') out.locationName = m.traits.xmlName;
  if (m.traits.xmlNamespace !== undefined) out.xmlNamespace = xmlNamespace(m.traits.xmlNamespace);
  return out;
}

function isReused(ctx: ConvertContext, node: ShapeNode): boolean {
  return node.name !== undefined && ctx.byName.get(node.name) === node;
}

export function convertShape(ctx: ConvertContext, s: V3Shape, memberName?: string): ShapeNode {
  if (s.name && (s.kind === 'structure' || s.kind === 'union' || s.kind === 'list' || s.kind === 'map')) {
    const existing = ctx.byName.get(s.name);
    if (existing) {
      ctx.onReuse(existing, s);
      return existing;
    }
  }
  const traits: Traits = {};
  if (s.traits.sensitive) traits.sensitive = true;
  switch (s.kind) {
    case 'string': return { type: 'string', traits };
    case 'boolean': return { type: 'boolean', traits };
    case 'number': return { type: ctx.numberType(memberName), traits };
    case 'bigInteger': return { type: 'biginteger', traits };
    case 'bigDecimal': return { type: 'bigdecimal', traits };
    case 'timestamp':
      if (s.timestampFormat) traits.timestampFormat = s.timestampFormat;
      return { type: 'timestamp', traits };
    case 'blob':
      if (s.streaming) traits.streaming = true;
      return { type: 'blob', traits };
    case 'document':
      // botocore's form of a Smithy document.
      return { type: 'structure', traits: { ...traits, document: true }, members: new Map() };
    case 'list': {
      const node: ShapeNode = { type: 'list', traits };
      named(ctx, node, s);
      node.member = convertMember(ctx, undefined, s.member!);
      return node;
    }
    case 'map': {
      const node: ShapeNode = { type: 'map', traits };
      named(ctx, node, s);
      node.key = convertMember(ctx, undefined, s.key!);
      node.value = convertMember(ctx, undefined, s.value!);
      return node;
    }
    case 'structure':
    case 'union':
      return convertStructure(ctx, s, traits);
  }
}

function convertStructure(ctx: ConvertContext, s: V3Shape, traits: Traits): ShapeNode {
  const node: ShapeNode = { type: 'structure', traits, members: new Map() };
  named(ctx, node, s);
  // An event stream is a @streaming union; botocore calls it eventstream and its members events.
  if (s.streaming) traits.eventstream = true;
  else if (s.kind === 'union') traits.union = true;
  if (typeof s.traits.xmlName === 'string') traits.locationName = s.traits.xmlName;
  if (s.traits.xmlNamespace !== undefined) traits.xmlNamespace = xmlNamespace(s.traits.xmlNamespace);
  if (s.isError) Object.assign(traits, errorTraits(s));
  for (const [name, m] of s.members!) {
    const ref = convertMember(ctx, name, m);
    if (s.streaming && !isReused(ctx, ref.node)) ref.node.traits.event = true;
    if (m.traits.httpPayload) {
      traits.payload = name;
      if (ctx.xmlNamespace && ref.node.type === 'structure' && !ref.traits.xmlNamespace) ref.traits.xmlNamespace = ctx.xmlNamespace;
    }
    node.members!.set(name, ref);
  }
  for (const name of s.required ?? []) markRequired(node, name);
  return node;
}

/**
 * A modelled error as botocore writes it: `error.code` is the awsQuery code when it differs from
 * the shape name (SQS's AWS.SimpleQueueService.NonExistentQueue), as in botocore's normal models.
 */
export function errorTraits(s: V3Shape): Traits {
  const t = s.traits;
  const queryError = Array.isArray(t.awsQueryError) ? (t.awsQueryError as [string, number]) : undefined;
  const error: { code?: string; httpStatusCode?: number; senderFault?: boolean } = {};
  if (queryError) error.code = queryError[0];
  const status = queryError?.[1] ?? (typeof t.httpError === 'number' ? t.httpError : undefined);
  if (status !== undefined) error.httpStatusCode = status;
  if (t.error === 'client') error.senderFault = true;
  const out: Traits = { exception: true, error };
  if (t.error === 'server') out.fault = true;
  return out;
}

function named(ctx: ConvertContext, node: ShapeNode, s: V3Shape): void {
  if (s.name && !ctx.byName.has(s.name)) {
    node.name = s.name;
    ctx.byName.set(s.name, node);
  }
}
