// What a target receives: the whole event, a constant Input, the part selected by InputPath, or an
// InputTransformer's template filled from its InputPathsMap (and the predefined aws.events.* values).

export interface TargetInput {
  Input?: string;
  InputPath?: string;
  InputTransformer?: { InputPathsMap?: Record<string, string>; InputTemplate: string };
}

export class JsonPathError extends Error {}

/** Reads a simple JSONPath ($, $.a.b, $.a[0], $['a b']); undefined when absent. */
export function readPath(doc: unknown, path: string): unknown {
  if (!path.startsWith('$')) throw new JsonPathError(`Invalid JSON path ${path}`);
  let cur: unknown = doc;
  const re = /\.([^.[\]]+)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\]/gy;
  re.lastIndex = 1;
  while (re.lastIndex < path.length) {
    const m = re.exec(path);
    if (!m) throw new JsonPathError(`Invalid JSON path ${path}`);
    const key = m[1] ?? m[3] ?? m[4];
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = key !== undefined ? (cur as Record<string, unknown>)[key] : (cur as unknown[])[Number(m[2])];
    if (cur === undefined) return undefined;
  }
  return cur;
}

export function checkJsonPath(path: string): boolean {
  try {
    readPath({}, path);
    return true;
  } catch {
    return false;
  }
}

export interface RuleInfo {
  ruleArn: string;
  ruleName: string;
  ingestionTime: string;
}

export function targetInput(t: TargetInput, event: Record<string, unknown>, rule: RuleInfo): string {
  if (t.Input !== undefined) return t.Input;
  if (t.InputPath !== undefined) {
    const v = readPath(event, t.InputPath);
    return v === undefined ? '' : JSON.stringify(v);
  }
  if (t.InputTransformer) return transform(t.InputTransformer, event, rule);
  return JSON.stringify(event);
}

function transform(tr: NonNullable<TargetInput['InputTransformer']>, event: Record<string, unknown>, rule: RuleInfo): string {
  const values = new Map<string, unknown>();
  for (const [name, path] of Object.entries(tr.InputPathsMap ?? {})) values.set(name, readPath(event, path));
  values.set('aws.events.rule-arn', rule.ruleArn);
  values.set('aws.events.rule-name', rule.ruleName);
  values.set('aws.events.event.ingestion-time', rule.ingestionTime);
  values.set('aws.events.event', event);
  values.set('aws.events.event.json', event);
  const template = tr.InputTemplate;
  let out = '';
  let inString = false;
  for (let i = 0; i < template.length; i++) {
    const ch = template[i];
    if (ch === '\\' && inString) {
      out += ch + (template[i + 1] ?? '');
      i++;
      continue;
    }
    if (ch === '"') inString = !inString;
    if (ch === '<') {
      const end = template.indexOf('>', i);
      const name = end > i ? template.slice(i + 1, end) : '';
      if (name && values.has(name)) {
        const v = values.get(name);
        if (inString) {
          // Inside quotes a value is inserted as text (strings unquoted, the rest as JSON), escaped.
          const text = v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v);
          out += JSON.stringify(text).slice(1, -1);
        } else {
          out += v === undefined ? 'null' : JSON.stringify(v);
        }
        i = end;
        continue;
      }
    }
    out += ch;
  }
  return out;
}
