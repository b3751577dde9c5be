// Input validation shared by every protocol, reported the way AWS's Coral front ends do ("1 validation
// error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null"):
// required members at every depth, and the constraints the models carry from botocore
// (scripts/codegen/merge-botocore.ts): string and blob length, list and map size, numeric range, enum
// value sets and patterns. Type errors are the codecs' business; they see the wire.
//
// Work is bounded whatever the input: a member's length is checked before its pattern, a pattern
// runs only on a value within its length limits (in linear time, java-pattern.ts), and at most ten
// problems are collected, as AWS reports at most ten.
import type { CodecHooks } from './codec.ts';
import { matchesJavaPattern } from './java-pattern.ts';
import { resolveRef, type MemberView, type ServiceModel, type ShapeRef } from './model.ts';

const MAX_REPORTED = 10;
/** Models are immutable once loaded: one resolved view per reference, not one per value walked. */
const views = new WeakMap<ShapeRef, MemberView>();

function view(model: ServiceModel, ref: ShapeRef): MemberView {
  let v = views.get(ref);
  if (!v) views.set(ref, (v = resolveRef(model, ref)));
  return v;
}

const memberLists = new WeakMap<MemberView, [string, ShapeRef][]>();

function membersOf(shape: MemberView): [string, ShapeRef][] {
  let list = memberLists.get(shape);
  if (!list) memberLists.set(shape, (list = Object.entries(shape.members ?? {})));
  return list;
}

function constrained(shape: MemberView): boolean {
  return shape.min !== undefined || shape.max !== undefined || shape.pattern !== undefined || shape.enum !== undefined;
}
/** Longer values are shown cut, so that an error never echoes a megabyte (AWS's own cut is unknown). */
const MAX_SHOWN = 1024;

/** Returns the validation messages for `input` against the operation's input shape (empty when valid). */
export function validateInput(model: ServiceModel, operation: string, input: Record<string, unknown>, hooks?: CodecHooks): string[] {
  const ref = model.operations[operation]?.input;
  if (!ref) return [];
  const problems: string[] = [];
  walk({ model, out: problems, constraints: enforcesConstraints(model, hooks) }, ref, input, '', 0);
  return problems;
}

/**
 * Whether the service answers Coral's constraint messages. S3 (rest-xml) has its own codes for what it
 * checks (KeyTooLongError, InvalidArgument) and SQS its own (InvalidAttributeName, ...); a service
 * says so with the `constraints: false` hook, and rest-xml services never get the generic ones.
 */
function enforcesConstraints(model: ServiceModel, hooks: CodecHooks | undefined): boolean {
  if (hooks?.constraints === false) return false;
  return model.metadata.protocol !== 'rest-xml';
}

/** The first required top-level member the input lacks, if any. */
export function firstMissingMember(model: ServiceModel, operation: string, input: Record<string, unknown>): string | undefined {
  const ref = model.operations[operation]?.input;
  if (!ref) return undefined;
  return resolveRef(model, ref).required?.find((name) => input[name] === undefined || input[name] === null);
}

export function validationMessage(problems: string[]): string {
  const n = problems.length;
  return `${n} validation error${n === 1 ? '' : 's'} detected: ${problems.slice(0, MAX_REPORTED).join('; ')}`;
}

interface Walk {
  model: ServiceModel;
  out: string[];
  constraints: boolean;
}

function walk(w: Walk, ref: ShapeRef, value: unknown, path: string, depth: number): void {
  if (depth > 64 || w.out.length >= MAX_REPORTED) return;
  const shape = view(w.model, ref);
  if (w.constraints && value !== undefined && value !== null && path !== '') checkMember(w, shape, value, path);
  if (shape.type === 'structure' && shape.members && isObject(value)) {
    const obj = value as Record<string, unknown>;
    for (const name of shape.required ?? []) {
      if (obj[name] === undefined || obj[name] === null) {
        report(w, `Value null at '${join(path, name)}' failed to satisfy constraint: Member must not be null`);
      }
    }
    for (const [name, member] of membersOf(shape)) {
      const v = obj[name];
      if (v === undefined || v === null) continue;
      // Most scalars have nothing to check: skip them without building their path.
      if (typeof v !== 'object' && (!w.constraints || !constrained(view(w.model, member)))) continue;
      walk(w, member, v, join(path, name), depth + 1);
    }
  } else if (shape.type === 'list' && shape.member && Array.isArray(value)) {
    for (let i = 0; i < value.length && w.out.length < MAX_REPORTED; i++) {
      const v = value[i];
      if (v !== undefined && v !== null) walk(w, shape.member, v, `${path}.${i + 1}.member`, depth + 1);
    }
  } else if (shape.type === 'map' && shape.value && isObject(value)) {
    const valueShape = view(w.model, shape.value);
    // Scalar map values are reported once for the map (checkMember); nested shapes by their path.
    if (!isScalar(valueShape)) {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (v !== undefined && v !== null) walk(w, shape.value, v, `${path}.${k}`, depth + 1);
      }
    }
  }
}

/** The constraints of one member present in the input, in AWS's wording. */
function checkMember(w: Walk, shape: MemberView, value: unknown, path: string): void {
  if (shape.type === 'map' && isObject(value)) {
    const entries = Object.entries(value as Record<string, unknown>);
    sizeProblems(w, shape, entries.length, value, path);
    const keyShape = shape.key && view(w.model, shape.key);
    if (keyShape && entries.some(([k]) => scalarFailures(keyShape, k).length > 0)) {
      report(w, `${valueAt(shape, value, path)} failed to satisfy constraint: Map keys must satisfy constraint: [${describe(keyShape).join(', ')}]`);
    }
    const valueShape = shape.value && view(w.model, shape.value);
    if (valueShape && isScalar(valueShape) && entries.some(([, v]) => v !== null && v !== undefined && scalarFailures(valueShape, v).length > 0)) {
      report(w, `${valueAt(shape, value, path)} failed to satisfy constraint: Map value must satisfy constraint: [${describe(valueShape).join(', ')}]`);
    }
    return;
  }
  if (shape.type === 'list') {
    if (Array.isArray(value)) sizeProblems(w, shape, value.length, value, path);
    return;
  }
  for (const failure of scalarFailures(shape, value)) report(w, `${valueAt(shape, value, path)} failed to satisfy constraint: ${failure}`);
}

function sizeProblems(w: Walk, shape: MemberView, n: number, value: unknown, path: string): void {
  if (shape.min !== undefined && n < shape.min) report(w, `${valueAt(shape, value, path)} failed to satisfy constraint: Member must have length greater than or equal to ${shape.min}`);
  if (shape.max !== undefined && n > shape.max) report(w, `${valueAt(shape, value, path)} failed to satisfy constraint: Member must have length less than or equal to ${shape.max}`);
}

/** The constraint messages a scalar value fails (empty when it satisfies them all). */
function scalarFailures(shape: MemberView, value: unknown): string[] {
  const out: string[] = [];
  if (typeof value === 'string' && shape.type === 'string') {
    // Smithy counts a string's length in Unicode scalar values (code points), as botocore's len() does.
    // DynamoDB lists a pattern failure before a length failure ("Value 'a;' at 'tableName' ...").
    // A string has between length/2 and length code points: count them only when that range straddles
    // a bound (a 9 MB value over an 8,192 limit is decided without walking it).
    let counted: number | undefined;
    const n = () => (counted ??= codePoints(value));
    const half = Math.ceil(value.length / 2);
    const tooLong = shape.max !== undefined && value.length > shape.max && (half > shape.max || n() > shape.max);
    const tooShort = shape.min !== undefined && half < shape.min && (value.length < shape.min || n() < shape.min);
    if (shape.enum && !shape.enum.includes(value)) out.push(`Member must satisfy enum value set: [${shape.enum.join(', ')}]`);
    if (shape.pattern !== undefined && !tooLong && matchesJavaPattern(shape.pattern, value) === false) {
      out.push(`Member must satisfy regular expression pattern: ${shape.pattern}`);
    }
    if (tooShort) out.push(`Member must have length greater than or equal to ${shape.min}`);
    if (tooLong) out.push(`Member must have length less than or equal to ${shape.max}`);
  } else if (Buffer.isBuffer(value) || value instanceof Uint8Array) {
    if (shape.min !== undefined && value.length < shape.min) out.push(`Member must have length greater than or equal to ${shape.min}`);
    if (shape.max !== undefined && value.length > shape.max) out.push(`Member must have length less than or equal to ${shape.max}`);
  } else if (typeof value === 'number' || typeof value === 'bigint') {
    if (shape.min !== undefined && value < shape.min) out.push(`Member must have value greater than or equal to ${shape.min}`);
    if (shape.max !== undefined && value > shape.max) out.push(`Member must have value less than or equal to ${shape.max}`);
  }
  return out;
}

/** A shape's constraints listed as AWS lists them for map keys and values. */
function describe(shape: MemberView): string[] {
  const out: string[] = [];
  const unit = shape.type === 'string' || shape.type === 'blob' ? 'length' : 'value';
  if (shape.max !== undefined) out.push(`Member must have ${unit} less than or equal to ${shape.max}`);
  if (shape.min !== undefined) out.push(`Member must have ${unit} greater than or equal to ${shape.min}`);
  if (shape.pattern !== undefined) out.push(`Member must satisfy regular expression pattern: ${shape.pattern}`);
  if (shape.enum) out.push(`Member must satisfy enum value set: [${shape.enum.join(', ')}]`);
  return out;
}

/**
 * "Value 'x' at 'path'" as Coral writes it: Java's toString of the value ('[a, b]' for a list of
 * strings, '{k=v}' for a map, a ByteBuffer's description for a blob); a sensitive value, or one
 * (a structure, a list of structures) whose toString means nothing outside Java, is left out.
 */
function valueAt(shape: MemberView, value: unknown, path: string): string {
  if (shape.sensitive) return `Value at '${path}'`;
  const shown = javaString(value, 0);
  return shown === undefined ? `Value at '${path}'` : `Value '${cut(shown)}' at '${path}'`;
}

function javaString(value: unknown, depth: number): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) {
    return `java.nio.HeapByteBuffer[pos=0 lim=${value.length} cap=${value.length}]`;
  }
  if (depth > 0 || value === null || typeof value !== 'object' || value instanceof Date) return undefined;
  const parts: string[] = [];
  let length = 0;
  const items = Array.isArray(value) ? value.map((v) => ['', v] as const) : Object.entries(value).map(([k, v]) => [`${k}=`, v] as const);
  for (const [k, v] of items) {
    const s = javaString(v, depth + 1);
    if (s === undefined) return undefined;
    parts.push(k + s);
    length += s.length;
    if (length > MAX_SHOWN) break; // the rest would be cut anyway
  }
  return Array.isArray(value) ? `[${parts.join(', ')}]` : `{${parts.join(', ')}}`;
}

function cut(s: string): string {
  return s.length > MAX_SHOWN ? `${s.slice(0, MAX_SHOWN)}...` : s;
}

/** Code points in `s` (a surrogate pair is one). */
function codePoints(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

function report(w: Walk, message: string): void {
  if (w.out.length < MAX_REPORTED) w.out.push(message);
}

function isObject(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v) && !(v instanceof Date) && !(v instanceof Uint8Array);
}

function isScalar(shape: MemberView): boolean {
  return shape.type !== 'structure' && shape.type !== 'list' && shape.type !== 'map';
}

function join(path: string, name: string): string {
  const member = name.charAt(0).toLowerCase() + name.slice(1);
  return path ? `${path}.${member}` : member;
}
