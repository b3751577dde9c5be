// awsQueryCompatible services (SQS) answer two protocols: JSON, which current SDKs speak, and the
// query protocol of the SDKs that predate the switch (boto3 ≤ 1.28, AWS CLI ≤ 2.13). Query clients
// name parameters and XML elements by the Smithy xmlName/xmlFlattened traits (`MessageAttribute.1.Name`,
// `Attribute.1.Value`, flattened `<Message>` items), which a JSON model carries nowhere: its
// locationName means the JSON key. This pass rewrites a freshly merged graph into the query view:
// every reference's locationName/flattened comes from the v3 schema's XML traits (or is dropped), and
// outputs get the query resultWrapper. The shapes, names and constraints stay those of the JSON model.
import type { MemberRef, ServiceGraph, ShapeNode, Traits } from './graph.ts';
import type { V3Member, V3Service, V3Shape } from './v3-schema.ts';
import { xmlNamespace } from './v3-convert.ts';

export interface QueryCompatReport {
  /** References given an XML name. */
  xmlNames: number;
}

export function applyQueryTraits(graph: ServiceGraph, v3: V3Service): QueryCompatReport {
  const report: QueryCompatReport = { xmlNames: 0 };
  const seen = new Map<ShapeNode, Set<V3Shape>>();
  const walk = (node: ShapeNode, shape: V3Shape) => {
    let set = seen.get(node);
    if (!set) seen.set(node, (set = new Set()));
    if (set.has(shape)) return;
    set.add(shape);
    if (node.type === 'structure' && shape.members && node.members) {
      for (const [name, m] of shape.members) {
        const ref = node.members.get(name);
        if (!ref) continue;
        if (setXmlTraits(ref, m)) report.xmlNames++;
        walk(ref.node, m.target);
      }
    } else if (node.type === 'list' && node.member && shape.member) {
      dropJsonShapeTraits(node);
      if (setXmlTraits(node.member, shape.member)) report.xmlNames++;
      walk(node.member.node, shape.member.target);
    } else if (node.type === 'map' && node.key && node.value && shape.key && shape.value) {
      dropJsonShapeTraits(node);
      if (setXmlTraits(node.key, shape.key)) report.xmlNames++;
      if (setXmlTraits(node.value, shape.value)) report.xmlNames++;
      walk(node.value.node, shape.value.target);
    }
  };
  for (const [name, op] of v3.operations) {
    const node = graph.operations.get(name);
    if (!node) continue;
    if (node.input && op.input) walk(node.input.node, op.input);
    if (node.output && op.output) {
      walk(node.output.node, op.output);
      node.output.traits.resultWrapper = `${name}Result`;
    }
  }
  const byName = new Map(v3.errors.map((e) => [e.name!, e]));
  for (const node of graph.errors) if (node.name && byName.has(node.name)) walk(node, byName.get(node.name)!);
  const { jsonVersion, targetPrefix, awsQueryCompatible, ...metadata } = graph.metadata;
  graph.metadata = { ...metadata, protocol: 'query', protocols: ['query'] };
  return report;
}

/** The JSON model's lists and maps may keep query-era shape traits; the references decide here. */
function dropJsonShapeTraits(node: ShapeNode): void {
  delete node.traits.flattened;
  delete node.traits.locationName;
}

/** A reference's query names: the XML name (or none: the member name) and whether it is flattened. */
function setXmlTraits(ref: MemberRef, m: V3Member): boolean {
  const t: Traits = m.traits;
  delete ref.traits.locationName;
  delete ref.traits.flattened;
  if (t.xmlFlattened) ref.traits.flattened = true;
  if (t.xmlNamespace !== undefined) ref.traits.xmlNamespace = xmlNamespace(t.xmlNamespace);
  if (typeof t.xmlName !== 'string') return false;
  ref.traits.locationName = t.xmlName;
  return true;
}
