// Inputs for an operation, drawn from its shape in the service model and then spoilt: a plausible
// input gets the request deep into parsing and handlers, and one mutation then breaks one thing.
// Values are protocol-neutral here (Date for timestamps, Buffer for blobs, Raw for literal wire text);
// wire.ts writes them in each protocol.
import type { ServiceModel, ShapeRef, Shape } from '../../../src/aws/protocol/model.ts';
import { HOSTILE_STRINGS, type Rng } from './random.ts';

/** Text written to the wire exactly as is (a number JSON cannot hold, bad base64, deep nesting). */
export class Raw {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}

export type Value = string | number | boolean | null | Date | Buffer | Raw | Value[] | { [k: string]: Value };

/** Values that exist on the server, by member name (lower case), so handlers get past "not found". */
export type Known = Record<string, string[]>;

const MAX_DEPTH = 5;

export function inputFor(model: ServiceModel, ref: ShapeRef | undefined, rng: Rng, known: Known): Record<string, Value> {
  if (!ref) return {};
  return valueOf(model, ref, rng, known, 0, '') as Record<string, Value>;
}

function valueOf(model: ServiceModel, ref: ShapeRef, rng: Rng, known: Known, depth: number, name: string): Value {
  const shape: Shape = model.shapes[ref.shape];
  switch (shape.type) {
    case 'structure': {
      const out: Record<string, Value> = {};
      if (depth > MAX_DEPTH) return out;
      const members = Object.entries(shape.members ?? {});
      if (shape.union) {
        if (members.length) {
          const [m, r] = rng.pick(members);
          out[m] = valueOf(model, r, rng, known, depth + 1, m);
        }
        return out;
      }
      const required = new Set(shape.required ?? []);
      for (const [m, r] of members) {
        if (required.has(m) || rng.chance(0.4)) out[m] = valueOf(model, r, rng, known, depth + 1, m);
      }
      return out;
    }
    case 'list': {
      if (depth > MAX_DEPTH) return [];
      return Array.from({ length: rng.int(3) + (rng.chance(0.7) ? 1 : 0) }, () => valueOf(model, shape.member!, rng, known, depth + 1, name));
    }
    case 'map': {
      const out: Record<string, Value> = {};
      if (depth > MAX_DEPTH) return out;
      for (let i = rng.int(3); i > 0; i--) out[rng.word(8)] = valueOf(model, shape.value!, rng, known, depth + 1, name);
      return out;
    }
    case 'string': {
      const good = known[name.toLowerCase()];
      if (good && rng.chance(0.7)) return rng.pick(good);
      if (shape.enum && rng.chance(0.8)) return rng.pick(shape.enum);
      return rng.chance(0.8) ? `fuzz-${rng.word(10)}` : rng.pick(HOSTILE_STRINGS);
    }
    case 'integer':
    case 'long':
    case 'short':
    case 'byte':
      return rng.int(100);
    case 'float':
    case 'double':
      return Math.round(rng.next() * 1000) / 10;
    case 'boolean':
      return rng.chance(0.5);
    case 'timestamp':
      return new Date(Date.UTC(2026, 0, 1) + rng.int(1e10));
    case 'blob':
      return rng.bytes(rng.int(64));
    default:
      return `fuzz-${rng.word()}`;
  }
}

// ---------------------------------------------------------------------------------------------
// Mutations of the input: each names the failure class it tries to provoke.

interface Slot {
  parent: Record<string, Value> | Value[];
  key: string | number;
  ref?: ShapeRef;
}

/** Every place in the input a value sits, with the model reference that describes it where known. */
function slots(model: ServiceModel, value: Value, ref: ShapeRef | undefined, out: Slot[] = [], depth = 0): Slot[] {
  if (depth > 12 || value === null || typeof value !== 'object' || value instanceof Date || value instanceof Raw || Buffer.isBuffer(value)) return out;
  const shape = ref ? model.shapes[ref.shape] : undefined;
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      out.push({ parent: value, key: i, ref: shape?.member });
      slots(model, v, shape?.member, out, depth + 1);
    });
  } else {
    for (const [k, v] of Object.entries(value)) {
      const r = shape?.type === 'map' ? shape.value : shape?.members?.[k];
      out.push({ parent: value, key: k, ref: r });
      slots(model, v, r, out, depth + 1);
    }
  }
  return out;
}

function typeOf(model: ServiceModel, slot: Slot): string | undefined {
  return slot.ref ? model.shapes[slot.ref.shape]?.type : undefined;
}

function set(slot: Slot, v: Value): void {
  (slot.parent as Record<string | number, Value>)[slot.key] = v;
}

function nested(levels: number, open: string, close: string, inner = ''): Raw {
  return new Raw(open.repeat(levels) + inner + close.repeat(levels));
}

export type InputMutation = (model: ServiceModel, input: Record<string, Value>, inputRef: ShapeRef | undefined, rng: Rng) => void;

export const INPUT_MUTATIONS: Record<string, InputMutation> = {
  'wrong JSON type': (model, input, ref, rng) => {
    const all = slots(model, input, ref);
    if (!all.length) return void (input[rng.word()] = 1);
    for (let i = rng.between(1, 3); i > 0; i--) {
      set(rng.pick(all), rng.pick<Value>(['text', 42, -1.5, true, false, null, [], {}, [[{}]], { S: 1 }, [null], '']));
    }
  },
  'missing required members': (model, input, ref) => {
    const shape = ref ? model.shapes[ref.shape] : undefined;
    for (const m of shape?.required ?? []) delete input[m];
    for (const s of slots(model, input, ref)) {
      const sh = s.ref ? model.shapes[s.ref.shape] : undefined;
      const v = (s.parent as Record<string | number, Value>)[s.key];
      if (sh?.required && v && typeof v === 'object' && !Array.isArray(v)) for (const m of sh.required) delete (v as Record<string, Value>)[m];
    }
  },
  'extra members': (_model, input, _ref, rng) => {
    for (let i = rng.between(1, 4); i > 0; i--) input[rng.pick(['__proto__', 'constructor', 'prototype', rng.word(), rng.text(10), ''])] = rng.pick<Value>(['x', 1, { polluted: true }, [1, 2]]);
  },
  'huge string': (model, input, ref, rng) => {
    // Past the usual limits (256 KiB messages, 1 MiB items and bodies), in characters of every width.
    const unit = rng.pick(['x', 'é', '😀', '\u0000', '<a>']);
    const huge = unit.repeat(Math.ceil(rng.pick([10_000, 100_000, 300_000, 1_100_000]) / Buffer.byteLength(unit)));
    const strings = slots(model, input, ref).filter((s) => typeOf(model, s) === 'string');
    if (strings.length) set(rng.pick(strings), huge);
    else input[rng.word()] = huge;
  },
  'deep nesting': (model, input, ref, rng) => {
    const levels = rng.pick([100, 300, 1000, 5000, 20000]);
    const all = slots(model, input, ref);
    const target: Slot = all.length && rng.chance(0.7) ? rng.pick(all) : { parent: input, key: rng.word() };
    set(target, rng.chance(0.5) ? nested(levels, '[', ']') : nested(levels, '{"a":', '}', '1'));
  },
  'deep AttributeValue': (model, input, ref, rng) => {
    // DynamoDB's own nesting: M inside M inside M (AWS allows 32 levels).
    const levels = rng.pick([31, 33, 100, 1000, 10000]);
    const inner = rng.chance(0.5) ? nested(levels, '{"M":{"a":', '}}', '{"S":"x"}') : nested(levels, '{"L":[', ']}', '{"N":"1"}');
    const all = slots(model, input, ref).filter((s) => s.ref && /AttributeValue/.test(s.ref.shape));
    if (all.length) set(rng.pick(all), inner);
    else input[rng.pick(['Item', 'Key', 'ExpressionAttributeValues'])] = { a: inner };
  },
  'bad base64': (model, input, ref, rng) => {
    const blobs = slots(model, input, ref).filter((s) => typeOf(model, s) === 'blob');
    const bad = rng.pick(['!!!!', 'abc', 'a===', '====', '@@@@@@@@', 'QUJD\u0000', 'Zm9v YmFy', '😀']);
    if (blobs.length) set(rng.pick(blobs), bad);
    else input[rng.word()] = bad;
  },
  'bad timestamp': (model, input, ref, rng) => {
    const times = slots(model, input, ref).filter((s) => typeOf(model, s) === 'timestamp');
    const bad = rng.pick<Value>(['yesterday', '2026-13-45T99:99:99Z', '', new Raw('1e309'), -1e20, 1e20, 'NaN', new Raw('-0'), '0000-00-00', true]);
    if (times.length) set(rng.pick(times), bad);
    else input[rng.word()] = bad;
  },
  'bad number': (model, input, ref, rng) => {
    const nums = slots(model, input, ref).filter((s) => ['integer', 'long', 'double', 'float'].includes(typeOf(model, s) ?? ''));
    const bad = rng.pick<Value>([-1, -2147483649, 2 ** 53 + 1, new Raw('1e309'), new Raw('-1e309'), new Raw('123456789012345678901234567890'), 1.5, new Raw('-0'), '12abc', new Raw('0x10'), new Raw('1E400')]);
    if (nums.length) set(rng.pick(nums), bad);
    else input[rng.word()] = bad;
  },
  'CR/LF in values': (model, input, ref, rng) => {
    // Values that come back in response headers (S3's response-content-type and friends) most of all.
    const crlf = rng.pick(['a\r\nInjected: yes', '\r\n\r\n<html>', 'x\ny', 'x\rY', 'text/html\u0000']);
    const shape = ref ? model.shapes[ref.shape] : undefined;
    for (const [m, r] of Object.entries(shape?.members ?? {})) {
      if ((r.location === 'querystring' || r.location === 'header') && model.shapes[r.shape]?.type === 'string' && rng.chance(0.5)) input[m] = crlf;
    }
    // Elsewhere too, but not in the labels that name the resource (the request would just miss it).
    for (const s of slots(model, input, ref)) if (typeOf(model, s) === 'string' && s.ref?.location !== 'uri' && rng.chance(0.3)) set(s, crlf);
  },
  'hostile strings': (model, input, ref, rng) => {
    const strings = slots(model, input, ref).filter((s) => typeOf(model, s) === 'string');
    for (const s of strings) if (rng.chance(0.6)) set(s, rng.chance(0.5) ? rng.pick(HOSTILE_STRINGS) : rng.text(60));
  },
};
