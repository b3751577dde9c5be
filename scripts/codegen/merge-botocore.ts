// Merges the input constraints (min, max, pattern, enum) of botocore's full JSON models into a service
// graph. The aws-sdk v2 "min" models strip them and the v3 schemas never carry them; Debian's
// python3-botocore (1.29, late 2022) ships the "normal" models that keep them, so codegen reads
// those from the system and CI installs the package (.ci/run).
//
// Shape names differ between the formats (the min model's "S4" is botocore's "TableName"), so the
// merge walks each operation's input alongside botocore's by member name, as merge-v3.ts does for
// v3. Operations and members newer than botocore 1.29 get no constraints; the report counts them.
//
// Scalars are named by content in the written model (write-model.ts), so a constrained scalar is a
// new node per botocore shape, carrying botocore's name as a hint for that name. Lists and maps take
// their size limits in place; two botocore shapes that disagree on one of them is a conflict that
// keeps the first and is reported.
//
// Enum value sets grow, and a 2022 set would refuse values AWS accepts today (Lambda runtimes), so
// the values the installed v3 client exports under the same shape name (its enum objects) are added
// after botocore's, which keep the model's order (the v3 objects may be sorted).
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { CONSTRAINT_OVERRIDES } from './constraint-overrides.ts';
import { isComposite, type MemberRef, type ServiceGraph, type ShapeNode, type Traits } from './graph.ts';
import { compare } from './v3-schema.ts';
import { compile } from '../../src/aws/protocol/java-pattern.ts';

/** Where Debian's python3-botocore keeps its models; FOGBANK_BOTOCORE_DATA overrides (tests, other systems). */
export const BOTOCORE_DATA = process.env.FOGBANK_BOTOCORE_DATA ?? '/usr/lib/python3/dist-packages/botocore/data';

interface BotocoreShape {
  type: string;
  members?: Record<string, { shape: string }>;
  member?: { shape: string };
  key?: { shape: string };
  value?: { shape: string };
  min?: number;
  max?: number;
  pattern?: string;
  enum?: string[];
}

export interface BotocoreModel {
  source: string;
  operations: Record<string, { input?: { shape: string } }>;
  shapes: Record<string, BotocoreShape>;
}

export interface BotocoreReport {
  service: string;
  source: string;
  /** Shapes (by botocore name) whose constraints reached the graph. */
  constrainedShapes: number;
  /** Operations botocore 1.29 does not know: their inputs get no constraints from it. */
  operationsWithout: string[];
  /** `Shape.Member` for input members botocore 1.29 does not know. */
  membersWithout: string[];
  /** Enum shapes for which the v3 client exports no value set (botocore's values used alone). */
  enumsWithoutV3: string[];
  /** List/map nodes two botocore shapes constrain differently (the first kept). */
  conflicts: string[];
  /** `Shape: pattern` for patterns RE2 cannot compile (lookaround...): kept in the model, not enforced. */
  unenforceablePatterns: string[];
}

/** Which constraint traits botocore puts on which types, and which the runtime model keeps. */
const CONSTRAINTS: Record<string, readonly (keyof BotocoreShape)[]> = {
  string: ['min', 'max', 'pattern', 'enum'],
  blob: ['min', 'max'],
  list: ['min', 'max'],
  map: ['min', 'max'],
  integer: ['min', 'max'],
  long: ['min', 'max'],
  short: ['min', 'max'],
  byte: ['min', 'max'],
  float: ['min', 'max'],
  double: ['min', 'max'],
};

/** Reads botocore's model of `service` at `apiVersion`; fails naming the package when it is absent. */
export function loadBotocoreModel(service: string, apiVersion: string, dataDir = BOTOCORE_DATA): BotocoreModel {
  const path = join(dataDir, service, apiVersion, 'service-2.json');
  if (!existsSync(path)) {
    throw new Error(`codegen: ${path} not found. The models' constraints come from Debian's python3-botocore ` +
      `(apt-get install python3-botocore), or set FOGBANK_BOTOCORE_DATA to a botocore data directory.`);
  }
  const model = JSON.parse(readFileSync(path, 'utf8')) as Omit<BotocoreModel, 'source'>;
  return { source: `botocore@${botocoreVersion(dataDir)} data/${service}/${apiVersion}`, ...model };
}

export function botocoreVersion(dataDir: string): string {
  const init = join(dataDir, '..', '__init__.py');
  const found = existsSync(init) ? /__version__\s*=\s*'([^']+)'/.exec(readFileSync(init, 'utf8')) : null;
  return found?.[1] ?? 'unknown';
}

/** The enum value sets a v3 client exports (`Runtime`, `KeyType`, ...) by shape name. */
export function v3Enums(root: string, pkg: string | undefined): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (!pkg) return out;
  let mod: Record<string, unknown>;
  try {
    mod = createRequire(join(root, 'package.json'))(pkg) as Record<string, unknown>;
  } catch {
    return out;
  }
  for (const [name, value] of Object.entries(mod)) {
    if (!value || typeof value !== 'object' || Array.isArray(value)) continue;
    const values = Object.values(value);
    if (values.length > 0 && values.every((v) => typeof v === 'string')) out.set(name, values as string[]);
  }
  return out;
}

export function mergeBotocore(graph: ServiceGraph, boto: BotocoreModel, enums: Map<string, string[]>, service: string): BotocoreReport {
  const report: BotocoreReport = {
    service, source: boto.source, constrainedShapes: 0, operationsWithout: [], membersWithout: [], enumsWithoutV3: [], conflicts: [], unenforceablePatterns: [],
  };
  const constrained = new Set<string>();
  const enumsWithout = new Set<string>();
  // One constrained copy per (scalar node, botocore shape), so shared scalars stay shared.
  const scalarCopies = new Map<ShapeNode, Map<string, ShapeNode>>();
  const originals = new Map<ShapeNode, ShapeNode>();
  // Which botocore shape gave a composite its constraints; pairs already walked.
  const compositeSource = new Map<ShapeNode, string>();
  const walked = new Map<ShapeNode, Set<string>>();

  const constraintsOf = (name: string, type: string): Traits => {
    const override = CONSTRAINT_OVERRIDES[service]?.[name];
    if (override) return { ...override };
    const shape = boto.shapes[name]!;
    const out: Traits = {};
    if (shape.type !== type && !(NUMERIC.has(shape.type) && NUMERIC.has(type))) return out;
    for (const key of CONSTRAINTS[type] ?? []) {
      if (shape[key] === undefined) continue;
      if (key === 'enum') {
        const current = enums.get(name);
        if (!current) enumsWithout.add(name);
        out.enum = [...new Set([...shape.enum!, ...(current ?? [])])];
      } else {
        out[key] = shape[key];
      }
    }
    return out;
  };

  const walk = (ref: MemberRef, name: string, where: string): void => {
    const shape = boto.shapes[name];
    if (!shape) return;
    const node = originals.get(ref.node) ?? ref.node;
    const c = constraintsOf(name, node.type);
    if (!isComposite(node)) {
      if (Object.keys(c).length === 0) return;
      constrained.add(name);
      let copies = scalarCopies.get(node);
      if (!copies) scalarCopies.set(node, (copies = new Map()));
      let copy = copies.get(name);
      if (!copy) {
        copy = { ...node, traits: { ...node.traits, ...c }, constraintName: name };
        copies.set(name, copy);
        originals.set(copy, node);
      }
      ref.node = copy;
      return;
    }
    let pairs = walked.get(node);
    if (!pairs) walked.set(node, (pairs = new Set()));
    if (pairs.has(name)) return;
    pairs.add(name);
    if (Object.keys(c).length > 0) {
      const first = compositeSource.get(node);
      if (first === undefined) {
        compositeSource.set(node, name);
        Object.assign(node.traits, c);
        constrained.add(name);
      } else if (JSON.stringify(constraintsOf(first, node.type)) !== JSON.stringify(c)) {
        report.conflicts.push(`${where}: ${first} kept, ${name} differs`);
      }
    }
    if (node.type === 'structure' && node.members && shape.members) {
      for (const [member, child] of node.members) {
        const b = shape.members[member];
        if (b) walk(child, b.shape, `${name}.${member}`);
        else report.membersWithout.push(`${name}.${member}`);
      }
    } else if (node.type === 'list' && node.member && shape.member) {
      walk(node.member, shape.member.shape, `${name}.member`);
    } else if (node.type === 'map') {
      if (node.key && shape.key) walk(node.key, shape.key.shape, `${name}.key`);
      if (node.value && shape.value) walk(node.value, shape.value.shape, `${name}.value`);
    }
  };

  for (const [name, op] of graph.operations) {
    const bop = boto.operations[name];
    if (!bop) {
      report.operationsWithout.push(name);
      continue;
    }
    if (op.input && bop.input) walk(op.input, bop.input.shape, name);
  }
  report.constrainedShapes = constrained.size;
  for (const name of [...constrained].sort(compare)) {
    const pattern = CONSTRAINT_OVERRIDES[service]?.[name] ? undefined : boto.shapes[name]!.pattern;
    if (pattern !== undefined && compile(pattern) === null) report.unenforceablePatterns.push(`${name}: ${pattern}`);
  }
  report.enumsWithoutV3 = [...enumsWithout].sort(compare);
  report.membersWithout = [...new Set(report.membersWithout)].sort(compare);
  graph.sources.push(boto.source);
  return report;
}

const NUMERIC: ReadonlySet<string> = new Set(['integer', 'long', 'short', 'byte', 'float', 'double']);
