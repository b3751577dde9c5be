// Secondary index definitions: validation with DynamoDB's messages, and building index specs.
import { validation } from '../errors.ts';
import { keyDefOf, type AttributeDefinition, type IndexSpec, type KeySchemaElement, type Projection } from './schema.ts';

export interface IndexInput {
  IndexName: string;
  KeySchema: KeySchemaElement[];
  Projection: Projection;
  ProvisionedThroughput?: { ReadCapacityUnits: number; WriteCapacityUnits: number };
  OnDemandThroughput?: { MaxReadRequestUnits?: number; MaxWriteRequestUnits?: number };
  WarmThroughput?: { ReadUnitsPerSecond?: number; WriteUnitsPerSecond?: number };
}

const invalid = (m: string) => validation(`One or more parameter values were invalid: ${m}`);

export function checkKeySchema(schema: KeySchemaElement[], defs: string[]): void {
  const keys = schema.map((k) => k.AttributeName);
  if (keys.some((k) => !defs.includes(k))) {
    throw invalid(`Some index key attributes are not defined in AttributeDefinitions. Keys: [${keys.join(', ')}], AttributeDefinitions: [${defs.join(', ')}]`);
  }
  if (schema[1] && keys[0] === keys[1]) throw validation('Both the Hash Key and the Range Key element in the KeySchema have the same name');
  if (schema[0].KeyType !== 'HASH') throw validation('Invalid KeySchema: The first KeySchemaElement is not a HASH key type');
  if (schema[1] && schema[1].KeyType !== 'RANGE') throw validation('Invalid KeySchema: The second KeySchemaElement is not a RANGE key type');
}

export function checkProjection(p: Projection): void {
  if (p.ProjectionType == null) throw invalid('Unknown ProjectionType: null');
  if (p.NonKeyAttributes && p.ProjectionType !== 'INCLUDE') throw invalid(`ProjectionType is ${p.ProjectionType}, but NonKeyAttributes is specified`);
  if (p.ProjectionType === 'INCLUDE' && !p.NonKeyAttributes?.length) throw invalid('ProjectionType is INCLUDE, but NonKeyAttributes is not specified');
}

export function buildIndex(
  id: number,
  kind: 'GSI' | 'LSI',
  input: IndexInput,
  defs: AttributeDefinition[],
  payPerRequest: boolean,
  status: IndexSpec['status'],
): IndexSpec {
  const projection: Projection = { ProjectionType: input.Projection.ProjectionType };
  if (input.Projection.NonKeyAttributes) projection.NonKeyAttributes = input.Projection.NonKeyAttributes;
  const spec: IndexSpec = {
    id,
    name: input.IndexName,
    kind,
    keySchema: input.KeySchema.map((k) => ({ AttributeName: k.AttributeName, KeyType: k.KeyType })),
    key: keyDefOf(input.KeySchema, defs),
    projection,
    status,
  };
  if (kind === 'GSI') {
    spec.throughput = payPerRequest
      ? { read: 0, write: 0 }
      : { read: input.ProvisionedThroughput?.ReadCapacityUnits ?? 0, write: input.ProvisionedThroughput?.WriteCapacityUnits ?? 0 };
    if (input.OnDemandThroughput) spec.onDemand = input.OnDemandThroughput;
    if (input.WarmThroughput) spec.warm = input.WarmThroughput;
  }
  return spec;
}
