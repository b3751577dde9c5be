// Reads the schemas an AWS SDK v3 client ships (dist-es/schemas/schemas_0.js) into plain objects.
//
// The module is imported for real, so we read the live arrays the SDK itself runs on rather than
// parsing JS text. Its encoding is @smithy/core's (see schema/schemas/NormalizedSchema.js,
// translateTraits.js, sentinels.js):
//   simple types are numbers: 0 string, 1 number, 2 boolean, 4..7 timestamp (default, date-time,
//   http-date, epoch-seconds), 15 document, 17 bigInteger, 19 bigDecimal, 21 blob, 42 streaming
//   blob; `64 | x` is a list of x and `128 | x` a map from string to x;
//   static schemas are arrays [kind, namespace, name, traits, ...]:
//     [0, ns, name, traits, simpleType]                      a named simple type (e.g. sensitive)
//     [1, ns, name, traits, valueSchema]                     list
//     [2, ns, name, traits, keySchema, valueSchema]          map
//     [3 | -3 | 4, ns, name, traits, names, schemas, nReq]   structure | error | union; the first
//                                                             nReq members are the required ones
//     [9, ns, name, traits, input, output]                   operation ("unit" = no input/output)
//   a member schema is [schema, traits]; any schema may be wrapped in a thunk `() => schema`;
//   traits are an object, or a number whose bits are the traits translateTraits lists.
import { createRequire, registerHooks } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

export type Traits = Record<string, unknown>;

export type V3Kind =
  | 'string' | 'number' | 'boolean' | 'timestamp' | 'document' | 'bigInteger' | 'bigDecimal' | 'blob'
  | 'list' | 'map' | 'structure' | 'union';

export interface V3Shape {
  kind: V3Kind;
  /** Shape name (without namespace) for named schemas; simple types written as numbers have none. */
  name?: string;
  /** The shape's own traits. */
  traits: Traits;
  isError?: boolean;
  /** From the timestamp type code: 5 date-time, 6 http-date, 7 epoch-seconds; 4 leaves it to the protocol. */
  timestampFormat?: 'iso8601' | 'rfc822' | 'unixTimestamp';
  /** Type code 42, or a streaming trait. */
  streaming?: boolean;
  member?: V3Member;
  key?: V3Member;
  value?: V3Member;
  members?: Map<string, V3Member>;
  required?: string[];
}

export interface V3Member {
  target: V3Shape;
  /** Traits applied where the shape is used (the member schema's traits). */
  traits: Traits;
}

export interface V3Operation {
  name: string;
  traits: Traits;
  input?: V3Shape;
  output?: V3Shape;
}

export interface V3Service {
  /** package@version, for provenance. */
  source: string;
  operations: Map<string, V3Operation>;
  /** Every modelled error (the SDK's synthetic base exception left out), sorted by name. */
  errors: V3Shape[];
}

// The dist-es files import relative modules without extensions, as bundlers allow and Node's ESM
// resolver does not; retry such a specifier with '.js'. Affects only specifiers that would fail.
let hooksInstalled = false;
function installResolveHook(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  registerHooks({
    resolve(specifier, context, next) {
      try {
        return next(specifier, context);
      } catch (e) {
        if (specifier.startsWith('.') && !specifier.endsWith('.js')) return next(`${specifier}.js`, context);
        throw e;
      }
    },
  });
}

const TIMESTAMP_FORMATS = { 5: 'iso8601', 6: 'rfc822', 7: 'unixTimestamp' } as const;

export async function loadV3Service(clientPackage: string, root: string): Promise<V3Service> {
  installResolveHook();
  const require = createRequire(join(root, 'package.json'));
  const pkgJsonPath = require.resolve(`${clientPackage}/package.json`);
  const pkgDir = dirname(pkgJsonPath);
  const version = (require(pkgJsonPath) as { version: string }).version;
  const mod = (await import(pathToFileURL(join(pkgDir, 'dist-es/schemas/schemas_0.js')).href)) as Record<string, unknown>;
  // Decode trait bitmasks with the very function the client uses, from the copy it resolves.
  const clientRequire = createRequire(pkgJsonPath);
  const { translateTraits } = clientRequire('@smithy/core/schema') as { translateTraits: (t: unknown) => Traits };
  const decoder = new Decoder(translateTraits);

  const operations = new Map<string, V3Operation>();
  for (const value of Object.values(mod)) {
    if (!Array.isArray(value) || value[0] !== 9) continue;
    const [, , name, traits, input, output] = value as [number, string, string, unknown, unknown, unknown];
    operations.set(name, {
      name,
      traits: decoder.traits(traits),
      input: decoder.optionalShape(input),
      output: decoder.optionalShape(output),
    });
  }
  const errors: V3Shape[] = [];
  for (const registry of (mod.errorTypeRegistries ?? []) as { schemas: Map<string, unknown> }[]) {
    for (const [id, schema] of registry.schemas) {
      if (id.startsWith('smithy.ts.sdk.synthetic.')) continue;
      errors.push(decoder.shape(schema));
    }
  }
  errors.sort((a, b) => compare(a.name!, b.name!));
  return { source: `${clientPackage}@${version}`, operations: sortMap(operations), errors };
}

class Decoder {
  // Keyed by the SDK's own schema arrays, so shared and recursive shapes decode once.
  private readonly cache = new Map<unknown, V3Shape>();
  private readonly translate: (t: unknown) => Traits;

  constructor(translate: (t: unknown) => Traits) {
    this.translate = translate;
  }

  traits(t: unknown): Traits {
    return { ...this.translate(t ?? 0) };
  }

  optionalShape(ref: unknown): V3Shape | undefined {
    const schema = deref(ref);
    return schema === 'unit' ? undefined : this.shape(schema);
  }

  member(ref: unknown): V3Member {
    // A member schema may wrap another member schema; outer traits win, as in NormalizedSchema.
    const stack: Traits[] = [];
    let schema = deref(ref);
    while (Array.isArray(schema) && schema.length === 2) {
      stack.push(this.traits(schema[1]));
      schema = deref(schema[0]);
    }
    const traits: Traits = {};
    for (let i = stack.length - 1; i >= 0; i--) Object.assign(traits, stack[i]);
    return { target: this.shape(schema), traits };
  }

  shape(ref: unknown): V3Shape {
    const schema = deref(ref);
    if (typeof schema === 'number') return this.simple(schema);
    if (!Array.isArray(schema)) throw new Error(`unknown v3 schema ${String(schema)}`);
    const cached = this.cache.get(schema);
    if (cached) return cached;
    const [kind, , name, rawTraits] = schema as [number, string, string, unknown];
    const traits = this.traits(rawTraits);
    let shape: V3Shape;
    switch (kind) {
      case 0: {
        shape = { ...this.simple(schema[4] as number), name, traits: { ...traits } };
        if (traits.streaming) shape.streaming = true;
        this.cache.set(schema, shape);
        return shape;
      }
      case 1:
        shape = { kind: 'list', name, traits };
        this.cache.set(schema, shape);
        shape.member = this.member(schema[4]);
        return shape;
      case 2:
        shape = { kind: 'map', name, traits };
        this.cache.set(schema, shape);
        shape.key = this.member(schema[4]);
        shape.value = this.member(schema[5]);
        return shape;
      case 3:
      case -3:
      case 4: {
        shape = { kind: kind === 4 ? 'union' : 'structure', name, traits, members: new Map() };
        if (kind === -3) shape.isError = true;
        if (traits.streaming) shape.streaming = true;
        this.cache.set(schema, shape);
        const names = schema[4] as string[];
        const schemas = schema[5] as unknown[];
        names.forEach((n, i) => shape.members!.set(n, this.member(schemas[i])));
        shape.required = names.slice(0, (schema[6] as number | undefined) ?? 0);
        return shape;
      }
      default:
        throw new Error(`unknown v3 schema kind ${kind} (${name})`);
    }
  }

  private simple(code: number): V3Shape {
    if (code & 64) return { kind: 'list', traits: {}, member: { target: this.simple(code & 63), traits: {} } };
    if (code & 128) {
      return {
        kind: 'map',
        traits: {},
        key: { target: this.simple(0), traits: {} },
        value: { target: this.simple(code & 63), traits: {} },
      };
    }
    switch (code) {
      case 0: return { kind: 'string', traits: {} };
      case 1: return { kind: 'number', traits: {} };
      case 2: return { kind: 'boolean', traits: {} };
      case 4: return { kind: 'timestamp', traits: {} };
      case 5: case 6: case 7:
        return { kind: 'timestamp', traits: {}, timestampFormat: TIMESTAMP_FORMATS[code] };
      case 15: return { kind: 'document', traits: {} };
      case 17: return { kind: 'bigInteger', traits: {} };
      case 19: return { kind: 'bigDecimal', traits: {} };
      case 21: return { kind: 'blob', traits: {} };
      case 42: return { kind: 'blob', traits: {}, streaming: true };
      default: throw new Error(`unknown v3 simple type code ${code}`);
    }
  }
}

function deref(ref: unknown): unknown {
  return typeof ref === 'function' ? (ref as () => unknown)() : ref;
}

function sortMap<V>(m: Map<string, V>): Map<string, V> {
  return new Map([...m].sort(([a], [b]) => compare(a, b)));
}

/** Code-point order, independent of locale, so output is the same on every machine. */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
