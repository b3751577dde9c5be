// Model-aware XML, shared by the query, ec2 and rest-xml codecs: writing handler values as the XML
// documents those protocols answer with, and reading rest-xml request bodies back into values.
// Naming follows what AWS servers send (and what botocore, the reference client, reads): member
// elements take the reference's locationName, list items `member` unless the list's member names
// them, maps `entry`/`key`/`value`, and a flattened list repeats its items under the items' own
// locationName when they have one (SimpleDB's `Item`, S3 Control's `StorageLensConfiguration`).
import { resolveRef, type MemberView, type ServiceModel, type Shape, type ShapeRef } from './model.ts';
import { attr, type XmlElement, type XmlWriter } from './xml.ts';
import { scalarFromText, scalarToText } from './values.ts';
import { setOwn } from '../../core/records.ts';

// resolveRef allocates a merged view per call; refs are long-lived objects of one model, so cache it.
const views = new WeakMap<ShapeRef, MemberView>();

export function view(model: ServiceModel, ref: ShapeRef): MemberView {
  let v = views.get(ref);
  if (!v) {
    v = resolveRef(model, ref);
    views.set(ref, v);
  }
  return v;
}

export interface XmlMember {
  /** The member's name: the key in handler values. */
  name: string;
  view: MemberView;
  /** Element (or attribute) name on the wire. */
  xmlName: string;
  /** Further element names accepted on input (the other naming convention for flattened lists). */
  altName?: string;
  attribute: boolean;
  flattened: boolean;
  /** HTTP binding (rest-xml): never read from a body; written to one only when URI or query bound. */
  location?: string;
}

interface XmlStruct {
  members: XmlMember[];
  byElement: Map<string, XmlMember>;
  attributes: XmlMember[];
}

const structs = new WeakMap<Shape, XmlStruct>();

export function xmlStruct(model: ServiceModel, v: MemberView): XmlStruct {
  const shape = model.shapes[v.shapeName];
  let t = structs.get(shape);
  if (t) return t;
  t = { members: [], byElement: new Map(), attributes: [] };
  for (const [name, ref] of Object.entries(shape.members ?? {})) {
    const mv = view(model, ref);
    const flattened = !!mv.flattened && (mv.type === 'list' || mv.type === 'map');
    const own = ref.locationName ?? name;
    const itemName = flattened && mv.type === 'list' ? mv.member?.locationName : undefined;
    const m: XmlMember = {
      name,
      view: mv,
      xmlName: itemName ?? own,
      altName: itemName && itemName !== own ? own : undefined,
      attribute: !!ref.xmlAttribute,
      flattened,
      location: ref.location,
    };
    t.members.push(m);
    if (m.attribute) {
      t.attributes.push(m);
    } else if (!m.location) {
      t.byElement.set(m.xmlName, m);
      if (m.altName && !t.byElement.has(m.altName)) t.byElement.set(m.altName, m);
    }
  }
  structs.set(shape, t);
  return t;
}

/** The `xmlns` attribute a view asks for, rendered; '' when none. */
export function namespaceAttr(ns: MemberView['xmlNamespace']): string {
  if (!ns) return '';
  if (typeof ns === 'string') return attr('xmlns', ns);
  return attr(ns.prefix ? `xmlns:${ns.prefix}` : 'xmlns', ns.uri);
}

// ── Writing ──────────────────────────────────────────────────────────────────────────────────────

/** Bindings that carry a member outside the body of a response; URI and query bindings mean nothing there. */
function boundInResponse(location: string | undefined): boolean {
  return location === 'header' || location === 'headers' || location === 'statusCode';
}

/** Writes the body members of a structure value as sibling elements (no element for the structure itself). */
export function writeXmlMembers(w: XmlWriter, model: ServiceModel, v: MemberView, value: Record<string, unknown>): void {
  for (const m of xmlStruct(model, v).members) {
    if (m.attribute || boundInResponse(m.location)) continue;
    const mv = value[m.name];
    if (mv === undefined || mv === null) continue;
    writeXmlValue(w, model, m.view, m.xmlName, mv, m.flattened);
  }
}

/** Attributes of a structure's element: its namespace and its xmlAttribute members. */
export function structureAttrs(model: ServiceModel, v: MemberView, value: Record<string, unknown>, ns: string): string {
  let attrs = ns;
  for (const m of xmlStruct(model, v).attributes) {
    const av = value[m.name];
    if (av !== undefined && av !== null) attrs += attr(m.xmlName, scalarToText(m.view.type, av, m.view.timestampFormat ?? 'iso8601'));
  }
  return attrs;
}

export function writeXmlValue(w: XmlWriter, model: ServiceModel, v: MemberView, name: string, value: unknown, flattened = false): void {
  switch (v.type) {
    case 'structure': {
      const obj = value as Record<string, unknown>;
      w.open(name, structureAttrs(model, v, obj, namespaceAttr(v.xmlNamespace)));
      writeXmlMembers(w, model, v, obj);
      w.close(name);
      return;
    }
    case 'list': {
      const items = Array.isArray(value) ? value : [value];
      const item = view(model, v.member!);
      if (flattened) {
        for (const x of items) if (x !== null && x !== undefined) writeXmlValue(w, model, item, name, x);
        return;
      }
      const ns = namespaceAttr(v.xmlNamespace);
      if (!items.length) return w.empty(name, ns);
      const itemName = v.member!.locationName ?? 'member';
      w.open(name, ns);
      for (const x of items) if (x !== null && x !== undefined) writeXmlValue(w, model, item, itemName, x);
      w.close(name);
      return;
    }
    case 'map': {
      const key = view(model, v.key!);
      const val = view(model, v.value!);
      const keyName = v.key!.locationName ?? 'key';
      const valueName = v.value!.locationName ?? 'value';
      const entries = value instanceof Map ? [...value.entries()] : Object.entries(value as object);
      const ns = namespaceAttr(v.xmlNamespace);
      if (!flattened) {
        if (!entries.length) return w.empty(name, ns);
        w.open(name, ns);
      }
      for (const [k, x] of entries) {
        if (x === null || x === undefined) continue;
        if (flattened) w.open(name, ns);
        else w.open('entry');
        w.leaf(keyName, String(k), namespaceAttr(key.xmlNamespace));
        writeXmlValue(w, model, val, valueName, x);
        w.close(flattened ? name : 'entry');
      }
      if (!flattened) w.close(name);
      return;
    }
    default:
      w.leaf(name, scalarToText(v.type, value, v.timestampFormat ?? 'iso8601'), namespaceAttr(v.xmlNamespace));
  }
}

// ── Errors ───────────────────────────────────────────────────────────────────────────────────────

interface ErrorShapes {
  byCode: Map<string, MemberView>;
}

const errorShapes = new WeakMap<ServiceModel, ErrorShapes>();

/** The modelled error a code names: by shape name, or by the code its `error` trait puts on the wire. */
export function findErrorShape(model: ServiceModel, code: string): MemberView | undefined {
  let t = errorShapes.get(model);
  if (!t) {
    t = { byCode: new Map() };
    for (const [name, shape] of Object.entries(model.shapes)) {
      if (!shape.exception && !shape.error) continue;
      const v = resolveRef(model, { shape: name });
      t.byCode.set(name, v);
      if (shape.error?.code && !t.byCode.has(shape.error.code)) t.byCode.set(shape.error.code, v);
    }
    errorShapes.set(model, t);
  }
  return t.byCode.get(code);
}

/** The code an XML-protocol client is told: an error trait's wire code wins over the shape's name. */
export function wireErrorCode(model: ServiceModel, code: string): string {
  const shape = findErrorShape(model, code);
  return (shape?.shapeName === code ? shape.error?.code : undefined) ?? code;
}

/**
 * Writes a ServiceError's extra fields inside an <Error> element: modelled members by their model
 * (names, types), anything else as plain elements. Code, Message and HTTP-bound members are the
 * caller's business.
 */
export function writeErrorFields(w: XmlWriter, model: ServiceModel, shape: MemberView | undefined, fields: Record<string, unknown>): void {
  const t = shape ? xmlStruct(model, shape) : undefined;
  for (const [k, value] of Object.entries(fields)) {
    if (value === undefined || value === null || k === 'Code' || k === 'Type' || k === 'Message' || k === 'message') continue;
    const m = t?.members.find((x) => x.name === k);
    if (m) {
      if (!boundInResponse(m.location) && !m.attribute) writeXmlValue(w, model, m.view, m.xmlName, value, m.flattened);
    } else {
      writeLoose(w, k, value);
    }
  }
}

function writeLoose(w: XmlWriter, name: string, value: unknown): void {
  if (value === undefined || value === null) return;
  if (value instanceof Date) return w.leaf(name, scalarToText('timestamp', value, 'iso8601'));
  if (value instanceof Uint8Array) return w.leaf(name, scalarToText('blob', value, 'iso8601'));
  if (Array.isArray(value)) {
    w.open(name);
    for (const x of value) writeLoose(w, 'member', x);
    return w.close(name);
  }
  if (typeof value === 'object') {
    w.open(name);
    for (const [k, x] of Object.entries(value)) writeLoose(w, k, x);
    return w.close(name);
  }
  w.leaf(name, String(value));
}

// ── Reading ──────────────────────────────────────────────────────────────────────────────────────

/** Raised for a value that is not of its member's type; codecs turn it into their protocol's error. */
export class XmlValueError extends Error {
  readonly path: string;
  readonly raw: string;
  constructor(path: string, raw: string, type: string) {
    super(`Value '${raw.length > 64 ? raw.slice(0, 64) + '…' : raw}' at '${path}' is not a valid ${type}`);
    this.path = path;
    this.raw = raw;
  }
}

export function readXmlValue(model: ServiceModel, v: MemberView, el: XmlElement, path: string): unknown {
  switch (v.type) {
    case 'structure':
      return readXmlStructure(model, v, el, path);
    case 'list': {
      const item = view(model, v.member!);
      return el.children.map((c, i) => readXmlValue(model, item, c, `${path}.${i + 1}`));
    }
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const entry of el.children) readMapEntry(model, v, entry, out, path);
      return out;
    }
    default:
      return readScalar(v, el.text, path);
  }
}

/** Reads a structure from an element; members bound to HTTP locations are left to the caller. */
export function readXmlStructure(model: ServiceModel, v: MemberView, el: XmlElement, path: string): Record<string, unknown> {
  const t = xmlStruct(model, v);
  const out: Record<string, unknown> = {};
  if (el.attributes) {
    for (const m of t.attributes) {
      const raw = el.attributes[m.xmlName];
      if (raw !== undefined) out[m.name] = readScalar(m.view, raw, `${path}.${m.name}`);
    }
  }
  for (const child of el.children) {
    const m = t.byElement.get(child.name);
    if (!m) continue;
    const at = path ? `${path}.${m.name}` : m.name;
    if (m.flattened && m.view.type === 'list') {
      const list = (out[m.name] ??= []) as unknown[];
      list.push(readXmlValue(model, view(model, m.view.member!), child, `${at}.${list.length + 1}`));
    } else if (m.flattened) {
      readMapEntry(model, m.view, child, (out[m.name] ??= {}) as Record<string, unknown>, at);
    } else {
      out[m.name] = readXmlValue(model, m.view, child, at);
    }
  }
  return out;
}

function readMapEntry(model: ServiceModel, v: MemberView, entry: XmlElement, out: Record<string, unknown>, path: string): void {
  const keyName = v.key!.locationName ?? 'key';
  const valueName = v.value!.locationName ?? 'value';
  let key: string | undefined;
  let valueEl: XmlElement | undefined;
  for (const c of entry.children) {
    if (c.name === keyName) key = c.text;
    else if (c.name === valueName) valueEl = c;
  }
  if (key === undefined) return;
  const val = view(model, v.value!);
  if (valueEl) setOwn(out, key, readXmlValue(model, val, valueEl, `${path}.${key}`));
  else if (val.type === 'string') setOwn(out, key, '');
}

function readScalar(v: MemberView, raw: string, path: string): unknown {
  const value = scalarFromText(v.type, raw);
  if (value === undefined) throw new XmlValueError(path, raw, v.type);
  return value;
}
