// Amazon Resource Names: arn:partition:service:region:account:resource, where the resource part is
// `id`, `type/id`, `type:id` or longer paths (`table/t/stream/2024…`, `function:f:3`). Services build
// theirs from a template and parse them with one function, instead of splicing strings by hand.

export interface ArnParts {
  partition: string;
  service: string;
  region: string;
  account: string;
  resource: string;
}

/** Fogbank answers as the commercial partition; ARNs from other partitions still parse. */
export const PARTITION = 'aws';

/** The partition a region belongs to (China and GovCloud regions have their own). */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return PARTITION;
}

/** An account's root principal, as policies name it: `arn:aws:iam::123456789012:root`. */
export function accountRootArn(account: string, partition = PARTITION): string {
  return `arn:${partition}:iam::${account}:root`;
}

/** Splits an ARN; undefined when it is not one (fewer than six parts or no `arn:` prefix). */
export function parseArn(arn: string): ArnParts | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  return { partition: parts[1], service: parts[2], region: parts[3], account: parts[4], resource: parts.slice(5).join(':') };
}

/** Joins an ARN. Region and account are empty for global resources (`arn:aws:s3:::bucket`). */
export function formatArn(parts: { partition?: string; service: string; region?: string; account?: string; resource: string }): string {
  return `arn:${parts.partition ?? PARTITION}:${parts.service}:${parts.region ?? ''}:${parts.account ?? ''}:${parts.resource}`;
}

/**
 * The resource part split at its first separator: `function:f:3` → type `function`, id `f:3`;
 * `table/t/index/i` → type `table`, id `t/index/i`; a bare `queue-name` → id only.
 */
export function resourceParts(resource: string): { type?: string; id: string; separator?: ':' | '/' } {
  const m = /^([^:/]*)([:/])(.*)$/s.exec(resource);
  if (!m) return { id: resource };
  return { type: m[1], id: m[3], separator: m[2] as ':' | '/' };
}

/** Where a resource's ARN is built: its account and region (region '' for account-global ones). */
export interface ArnScope {
  account: string;
  region?: string;
  partition?: string;
}

export interface ArnTemplate<K extends string> {
  /** The template's resource part, e.g. `function:{name}` or `table/{table}/stream/{label}`. */
  readonly template: string;
  build(scope: ArnScope, values: Record<K, string>): string;
  /** The scope and values of an ARN of this shape; undefined for any other ARN. */
  match(arn: string): (ArnParts & { values: Record<K, string> }) | undefined;
}

/**
 * An ARN shape for one kind of resource. Placeholders are `{name}` (no `:` or `/` inside) or
 * `{name+}` (anything, for names that may hold slashes such as log groups and S3 keys).
 */
export function arnTemplate<K extends string>(service: string, template: string, options: { global?: boolean } = {}): ArnTemplate<K> {
  const names: string[] = [];
  let pattern = '';
  let last = 0;
  for (const m of template.matchAll(/\{(\w+)(\+?)\}/g)) {
    pattern += escape(template.slice(last, m.index)) + (m[2] ? '(.+)' : '([^:/]+)');
    names.push(m[1]);
    last = m.index + m[0].length;
  }
  pattern += escape(template.slice(last));
  const re = new RegExp(`^${pattern}$`, 's');
  return {
    template,
    build(scope, values) {
      const resource = template.replace(/\{(\w+)\+?\}/g, (_, k: string) => {
        const v = (values as Record<string, string>)[k];
        if (v === undefined) throw new Error(`ARN template ${template}: no value for ${k}`);
        return v;
      });
      return formatArn({ partition: scope.partition, service, region: options.global ? '' : scope.region, account: scope.account, resource });
    },
    match(arn) {
      const p = parseArn(arn);
      if (!p || p.service !== service) return undefined;
      const m = re.exec(p.resource);
      if (!m) return undefined;
      const values = Object.fromEntries(names.map((n, i) => [n, m[i + 1]])) as Record<K, string>;
      return { ...p, values };
    },
  };
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
