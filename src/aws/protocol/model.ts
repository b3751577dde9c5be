// The runtime form of an AWS service model: botocore's "normal" JSON format (named shapes, refs that
// carry serialization traits), without documentation. Codegen writes one per supported service from
// the aws-sdk package's models; the protocol test vectors in ../shared/protocol-tests use the same
// format, so the codecs are proven against exactly what they run on.

export type Protocol = 'query' | 'ec2' | 'json' | 'rest-json' | 'rest-xml';

export interface ServiceMetadata {
  apiVersion: string;
  endpointPrefix?: string;
  protocol: Protocol | string;
  protocols?: string[];
  jsonVersion?: string;
  targetPrefix?: string;
  signingName?: string;
  serviceId?: string;
  serviceFullName?: string;
  xmlNamespace?: string;
  globalEndpoint?: string;
  uid?: string;
  /** Present (as `{}`) when a JSON service also answers query-protocol error codes (SQS). */
  awsQueryCompatible?: Record<string, unknown>;
  [other: string]: unknown;
}

/** Traits that a reference (a member, an operation's input/output) adds to the shape it names. */
export interface ShapeRef {
  shape: string;
  location?: 'uri' | 'querystring' | 'header' | 'headers' | 'statusCode' | string;
  locationName?: string;
  queryName?: string;
  xmlNamespace?: { prefix?: string; uri: string } | string;
  xmlAttribute?: boolean;
  flattened?: boolean;
  jsonvalue?: boolean;
  timestampFormat?: TimestampFormat;
  hostLabel?: boolean;
  idempotencyToken?: boolean;
  streaming?: boolean;
  eventpayload?: boolean;
  /** On an operation's output ref (query/ec2): the element that wraps the result. */
  resultWrapper?: string;
  [other: string]: unknown;
}

export type TimestampFormat = 'iso8601' | 'rfc822' | 'unixTimestamp';

export type ShapeType =
  | 'structure' | 'list' | 'map' | 'string' | 'integer' | 'long' | 'float' | 'double'
  | 'boolean' | 'timestamp' | 'blob' | 'byte' | 'short' | 'bigdecimal' | 'biginteger';

export interface Shape {
  type: ShapeType;
  // structure
  members?: Record<string, ShapeRef>;
  required?: string[];
  payload?: string;
  exception?: boolean;
  error?: { code?: string; httpStatusCode?: number; senderFault?: boolean };
  union?: boolean;
  document?: boolean;
  event?: boolean;
  eventstream?: boolean;
  // list
  member?: ShapeRef;
  // map
  key?: ShapeRef;
  value?: ShapeRef;
  // list, map, structure
  flattened?: boolean;
  locationName?: string;
  xmlNamespace?: { prefix?: string; uri: string } | string;
  // scalars
  enum?: string[];
  min?: number;
  max?: number;
  pattern?: string;
  timestampFormat?: TimestampFormat;
  streaming?: boolean;
  requiresLength?: boolean;
  sensitive?: boolean;
  [other: string]: unknown;
}

export interface OperationModel {
  name: string;
  http?: { method: string; requestUri: string; responseCode?: number };
  input?: ShapeRef;
  output?: ShapeRef;
  errors?: ShapeRef[];
  endpoint?: { hostPrefix: string };
  httpChecksum?: Record<string, unknown>;
  httpChecksumRequired?: boolean;
  [other: string]: unknown;
}

export interface ServiceModel {
  metadata: ServiceMetadata;
  operations: Record<string, OperationModel>;
  shapes: Record<string, Shape>;
}

/** A shape as seen through one reference: the shape's own traits, overridden by the reference's. */
export type MemberView = Shape & Omit<ShapeRef, 'shape'> & { shapeName: string };

export function resolveRef(model: ServiceModel, ref: ShapeRef): MemberView {
  const shape = model.shapes[ref.shape];
  if (!shape) throw new Error(`model has no shape ${ref.shape}`);
  if (Object.keys(ref).length === 1) return Object.assign({ shapeName: ref.shape }, shape) as MemberView;
  const { shape: name, ...traits } = ref;
  return Object.assign({ shapeName: name }, shape, traits) as MemberView;
}
