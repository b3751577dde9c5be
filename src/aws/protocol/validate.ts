// Input validation shared by every protocol: required members, at every depth, reported the way AWS's
// front ends do ("1 validation error detected: Value null at 'roleArn' failed to satisfy constraint:
// Member must not be null"). Type errors are the codecs' business; they see the wire.
import { resolveRef, type ServiceModel, type ShapeRef } from './model.ts';

const MAX_REPORTED = 10;

/** Returns the validation messages for `input` against the operation's input shape (empty when valid). */
export function validateInput(model: ServiceModel, operation: string, input: Record<string, unknown>): string[] {
  const ref = model.operations[operation]?.input;
  if (!ref) return [];
  const problems: string[] = [];
  walk(model, ref, input, '', problems, 0);
  return problems;
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

function walk(model: ServiceModel, ref: ShapeRef, value: unknown, path: string, out: string[], depth: number): void {
  if (depth > 64 || out.length >= MAX_REPORTED) return;
  const shape = resolveRef(model, ref);
  if (shape.type === 'structure' && shape.members && value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    for (const name of shape.required ?? []) {
      if (obj[name] === undefined || obj[name] === null) {
        const at = path ? `${path}.${lowerFirst(name)}` : lowerFirst(name);
        out.push(`Value null at '${at}' failed to satisfy constraint: Member must not be null`);
      }
    }
    for (const [name, member] of Object.entries(shape.members)) {
      const v = obj[name];
      if (v !== undefined && v !== null && typeof v === 'object' && !Buffer.isBuffer(v) && !(v instanceof Date)) {
        walk(model, member, v, path ? `${path}.${lowerFirst(name)}` : lowerFirst(name), out, depth + 1);
      }
    }
  } else if (shape.type === 'list' && shape.member && Array.isArray(value)) {
    value.forEach((v, i) => {
      if (v && typeof v === 'object') walk(model, shape.member!, v, `${path}.${i + 1}.member`, out, depth + 1);
    });
  } else if (shape.type === 'map' && shape.value && value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (v && typeof v === 'object') walk(model, shape.value, v, `${path}.${k}`, out, depth + 1);
    }
  }
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}
