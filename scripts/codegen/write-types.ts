// Writes src/aws/services/<name>/generated/types.ts: an interface per structure and the service's
// Handlers interface, in the value conventions handlers see (src/aws/protocol/codec.ts).
//
// Inputs and outputs differ only for blobs: a handler receives a Buffer (a Readable when streamed)
// and may return Buffer, Uint8Array or string (or a Readable when streamed). A structure that
// contains a blob somewhere takes a Direction parameter, so one interface serves both sides; its
// default is the side it is used on ('in' when used on both).
import { resolveRef, type ServiceModel, type Shape, type ShapeRef } from '../../src/aws/protocol/model.ts';
import { compare } from './v3-schema.ts';
import { pascal } from './write-model.ts';

/** Names the generated file uses for other things; a shape called so gets a suffix. */
const RESERVED = new Set([
  'Handler', 'Readable', 'Direction', 'BlobValue', 'StreamValue', 'Buffer', 'Uint8Array', 'Date',
  'Record', 'Array', 'AsyncIterable', 'Promise', 'Object', 'String', 'Number', 'Boolean', 'Symbol',
  'Function', 'Error', 'Map', 'Set',
]);

export function writeTypes(model: ServiceModel, service: string, notice: string, serviceModule: string): string {
  const prefix = pascal(service);
  const structures = Object.keys(model.shapes)
    .filter((n) => model.shapes[n]!.type === 'structure' && !model.shapes[n]!.document)
    .sort(compare);
  const names = typeNames(structures, [`${prefix}Handlers`, `${prefix}Operation`]);
  const parametric = blobCarriers(model, structures);
  const sides = usageSides(model);
  const used = { blob: false, stream: false };

  const typeOf = (ref: ShapeRef, d: string): string => {
    const view = resolveRef(model, ref);
    switch (view.type) {
      case 'structure':
        if (view.document) return 'unknown';
        if (view.eventstream) return `AsyncIterable<${named(view.shapeName, d)}>`;
        return named(view.shapeName, d);
      case 'list':
        return `Array<${typeOf(view.member!, d)}>`;
      case 'map':
        return `Record<string, ${typeOf(view.value!, d)}>`;
      case 'string':
        // A jsonvalue is JSON text on the wire, a parsed value for handlers (as the v2 SDK reads it).
        if (view.jsonvalue) return 'unknown';
        // Enum values stay plain strings here: the model's sets come partly from botocore 1.29 (2022)
        // and handlers pass values through; validation (protocol/validate.ts) enforces the sets.
        return 'string';
      case 'boolean':
        return 'boolean';
      case 'timestamp':
        return 'Date';
      case 'blob':
        if (view.streaming) {
          used.stream = true;
          return `StreamValue<${d}>`;
        }
        used.blob = true;
        return `BlobValue<${d}>`;
      default:
        return 'number';
    }
  };
  const named = (shapeName: string, d: string) => names.get(shapeName)! + (parametric.has(shapeName) ? `<${d}>` : '');

  const body: string[] = [];
  for (const name of structures) {
    const shape = model.shapes[name]!;
    const generic = parametric.has(name);
    const side = sides.get(name) === 'out' ? "'out'" : "'in'";
    const required = new Set(shape.required ?? []);
    const lines: string[] = [];
    if (shape.union) lines.push('/** A union: exactly one member is set. */');
    else if (shape.exception) lines.push('/** A modelled error. */');
    lines.push(`export interface ${names.get(name)}${generic ? `<D extends Direction = ${side}>` : ''} {`);
    for (const [member, ref] of Object.entries(shape.members ?? {})) {
      const optional = required.has(member) ? '' : '?';
      lines.push(`  ${propertyName(member)}${optional}: ${typeOf(ref, generic ? 'D' : side)};`);
    }
    lines.push('}');
    body.push(lines.join('\n'));
  }

  // A type literal, not an interface: only those get the implicit index signature that lets
  // defineService's `H extends Record<string, Handler>` accept it.
  const handlers = [`export type ${prefix}Handlers = {`];
  for (const [name, op] of Object.entries(model.operations)) {
    const input = op.input ? typeOf(op.input, "'in'") : 'Record<string, never>';
    const output = op.output ? typeOf(op.output, "'out'") : 'void';
    handlers.push(`  ${propertyName(name)}: Handler<${input}, ${output}>;`);
  }
  handlers.push('};', '', `export type ${prefix}Operation = keyof ${prefix}Handlers;`);

  const head = [`// ${notice}`, `import type { Handler } from '${serviceModule}';`];
  if (used.stream) head.push("import type { Readable } from 'node:stream';");
  head.push('');
  if (used.blob || used.stream) {
    head.push("/** 'in': the value a handler receives; 'out': what it may return. They differ only for blobs. */");
    head.push("type Direction = 'in' | 'out';");
  }
  if (used.blob) head.push("type BlobValue<D extends Direction> = D extends 'in' ? Buffer : Buffer | Uint8Array | string;");
  if (used.stream) {
    head.push("type StreamValue<D extends Direction> = D extends 'in' ? Readable : Readable | Buffer | Uint8Array | string;");
  }
  if (used.blob || used.stream) head.push('');
  return [...head, ...body.flatMap((b) => [b, '']), ...handlers, ''].join('\n');
}

function typeNames(structures: string[], taken: string[]): Map<string, string> {
  const used = new Set(taken);
  const out = new Map<string, string>();
  for (const name of structures) {
    const base = /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : name.replace(/[^A-Za-z0-9_$]/g, '_');
    let ts = RESERVED.has(base) ? `${base}Shape` : base;
    for (let i = 2; used.has(ts); i++) ts = `${base}Shape${i}`;
    used.add(ts);
    out.set(name, ts);
  }
  return out;
}

function propertyName(name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : JSON.stringify(name);
}

/** Structures that contain a blob through any depth of members, lists and maps. */
function blobCarriers(model: ServiceModel, structures: string[]): Set<string> {
  const carriers = new Set<string>();
  const reaches = (ref: ShapeRef | undefined): boolean => {
    if (!ref) return false;
    const shape: Shape = model.shapes[ref.shape]!;
    if (shape.type === 'blob') return true;
    if (shape.type === 'structure') return carriers.has(ref.shape);
    return reaches(shape.member) || reaches(shape.value);
  };
  // Grow the set until it stops changing: recursive structures make a single pass insufficient.
  for (let changed = true; changed; ) {
    changed = false;
    for (const name of structures) {
      if (carriers.has(name)) continue;
      if (Object.values(model.shapes[name]!.members ?? {}).some(reaches)) {
        carriers.add(name);
        changed = true;
      }
    }
  }
  return carriers;
}

/** For each shape, whether operations use it only as input ('in'), only as output ('out'), or both. */
function usageSides(model: ServiceModel): Map<string, 'in' | 'out' | 'both'> {
  const sides = new Map<string, 'in' | 'out' | 'both'>();
  const mark = (name: string, side: 'in' | 'out') => {
    const had = sides.get(name);
    if (had === side || had === 'both') return;
    sides.set(name, had ? 'both' : side);
    const shape = model.shapes[name]!;
    for (const ref of Object.values(shape.members ?? {})) mark(ref.shape, side);
    for (const ref of [shape.member, shape.key, shape.value]) if (ref) mark(ref.shape, side);
  };
  for (const op of Object.values(model.operations)) {
    if (op.input) mark(op.input.shape, 'in');
    if (op.output) mark(op.output.shape, 'out');
    for (const e of op.errors ?? []) mark(e.shape, 'out');
  }
  for (const [name, shape] of Object.entries(model.shapes)) if (shape.exception) mark(name, 'out');
  return sides;
}
