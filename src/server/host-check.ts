// The Host check against DNS rebinding. A page on evil.example whose DNS name is rebound to 127.0.0.1
// is same-origin with itself, so no origin check can stop it, and it can sign requests with any key;
// what gives it away is the Host its browser sends. On a loopback listener Fogbank therefore answers
// only for host names that cannot be an attacker's: loopback addresses, localhost and *.localhost
// (browsers resolve these to loopback themselves), the cloud names clients use with an endpoint
// override or a hosts-file entry, and what --allowed-hosts adds. Beyond loopback any Host is accepted
// unless --allowed-hosts narrows it: neighbours on the network reach the listener anyway.
import { isLoopbackHost } from '../admin/auth.ts';
import { ServiceError } from '../core/errors.ts';

/**
 * Cloud host names Fogbank answers to (service endpoints, S3 virtual hosts and websites, function
 * URLs, LocalStack's names): their DNS belongs to the clouds, so a rebinding page cannot own them.
 * The one list; src/aws/identify.ts reads service and bucket names out of the same suffixes.
 */
export const CLOUD_HOST_SUFFIXES: readonly string[] = [
  'localhost.localstack.cloud',
  'amazonaws.com',
  'amazonaws.com.cn',
  'api.aws',
  'on.aws',
  'amazoncognito.com',
  'cloudfront.net',
  'googleapis.com',
];

/** One --allowed-hosts entry: a host name, an IP address, `*.suffix` for every name under it, or `*`. */
const PATTERN = /^(\*|(\*\.)?[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*|\[[0-9a-f:.]+\])$/;

/** Parses a comma-separated --allowed-hosts value; returns the bad entry as an error message. */
export function parseAllowedHosts(text: string): string[] | { error: string } {
  const out: string[] = [];
  for (const raw of text.split(',')) {
    const entry = normalize(raw.trim());
    if (!entry) continue;
    if (!PATTERN.test(entry)) return { error: `'${raw.trim()}' is not a host name, IP address or *.domain pattern` };
    out.push(entry);
  }
  return out;
}

/** The host name of a Host / :authority value, lower-case, without port or trailing dot. */
export function hostnameOf(host: string): string {
  let name: string;
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    name = end < 0 ? host : host.slice(0, end + 1);
  } else {
    const colon = host.indexOf(':');
    name = colon < 0 ? host : host.slice(0, colon);
  }
  return normalize(name);
}

function normalize(name: string): string {
  const n = name.toLowerCase();
  return n.endsWith('.') ? n.slice(0, -1) : n;
}

function under(name: string, suffix: string): boolean {
  return name === suffix || name.endsWith(`.${suffix}`);
}

export interface HostCheckOptions {
  /** Whether Fogbank listens on a loopback address (decided by the listen address, never a request). */
  loopback: boolean;
  /** --allowed-hosts entries (already parsed); undefined when the option is not given. */
  allowedHosts?: readonly string[];
}

export class HostCheck {
  readonly #enforced: boolean;
  readonly #extra: readonly string[];

  constructor(options: HostCheckOptions) {
    this.#extra = options.allowedHosts ?? [];
    this.#enforced = (options.loopback || options.allowedHosts !== undefined) && !this.#extra.includes('*');
  }

  /** Whether a request with this Host (or :authority) header may be answered. */
  allows(host: string | undefined): boolean {
    if (!this.#enforced) return true;
    // HTTP/1.0 clients may send no Host; no browser does, so such a request is no rebinding page.
    if (host === undefined || host === '') return true;
    const name = hostnameOf(host);
    return builtIn(name) || this.#extra.some((p) => (p.startsWith('*.') ? name.endsWith(p.slice(1)) : name === p));
  }

  /** Why a Host was refused, naming the option that admits it. */
  refusalMessage(host: string): string {
    const name = hostnameOf(host);
    return (
      `Fogbank refused this request: the host name '${name}' is not allowed. Fogbank answers on this address only for ` +
      `localhost, *.localhost, loopback addresses and the cloud host names it serves, so that a web page cannot reach it ` +
      `through DNS rebinding. To allow this name, start Fogbank with --allowed-hosts ${name} (or FOGBANK_ALLOWED_HOSTS).`
    );
  }

}

function builtIn(name: string): boolean {
  if (name.startsWith('[')) return isLoopbackHost(name.slice(1, -1)) || name === '[::ffff:127.0.0.1]' || /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(name);
  if (isLoopbackHost(name)) return true;
  if (under(name, 'localhost')) return true;
  return CLOUD_HOST_SUFFIXES.some((s) => under(name, s));
}

/** The refusal of a Host in a cloud API's protocol, rendered by the gateway's codec like any error. */
export function refusedHost(message: string, protocol: string): ServiceError {
  const xml = protocol === 'query' || protocol === 'ec2' || protocol === 'rest-xml';
  return new ServiceError(xml ? 'AccessDenied' : 'AccessDeniedException', message, { status: 403, queryCode: 'AccessDenied' });
}
