// Working out which AWS service a request is for, the way AWS's own front ends do (DESIGN.md §1):
// the X-Amz-Target header, the SigV4 credential scope, the Host name, the Action/Version parameters,
// and finally the path. Indexes are built once from the generated identities.
import type { ServiceIdentity } from './registry.ts';
import type { SignatureInfo } from './auth/sigv4.ts';

export interface Identification {
  identity: ServiceIdentity;
  region?: string;
  /** S3 virtual-hosted style: the bucket named by the Host header. */
  virtualBucket?: string;
}

interface Index {
  byTarget: Map<string, ServiceIdentity>;
  bySigningName: Map<string, ServiceIdentity[]>;
  byEndpointPrefix: Map<string, ServiceIdentity>;
  byQueryVersion: Map<string, ServiceIdentity>;
  byPathPrefix: Map<string, ServiceIdentity>;
  s3?: ServiceIdentity;
}

const indexes = new WeakMap<readonly ServiceIdentity[], Index>();

function indexOf(list: readonly ServiceIdentity[]): Index {
  let ix = indexes.get(list);
  if (ix) return ix;
  ix = {
    byTarget: new Map(),
    bySigningName: new Map(),
    byEndpointPrefix: new Map(),
    byQueryVersion: new Map(),
    byPathPrefix: new Map(),
  };
  for (const s of list) {
    if (s.targetPrefix) ix.byTarget.set(s.targetPrefix, s);
    const signing = s.signingName ?? s.endpointPrefix;
    if (signing) ix.bySigningName.set(signing, [...(ix.bySigningName.get(signing) ?? []), s]);
    if (s.endpointPrefix && !ix.byEndpointPrefix.has(s.endpointPrefix)) ix.byEndpointPrefix.set(s.endpointPrefix, s);
    if (s.protocol === 'query' || s.protocol === 'ec2' || s.awsQueryCompatible) ix.byQueryVersion.set(s.apiVersion, s);
    for (const p of s.restPathPrefixes ?? []) ix.byPathPrefix.set(p, s);
    if (s.name === 's3') {
      ix.s3 = s;
      // S3 Express One Zone (directory buckets: ListDirectoryBuckets, CreateSession) signs as 's3express'.
      ix.bySigningName.set('s3express', [s]);
    }
  }
  indexes.set(list, ix);
  return ix;
}

/** Host suffixes under which the first labels name a service (and region) or an S3 bucket. */
const hostSuffixes = ['.localhost.localstack.cloud', '.amazonaws.com.cn', '.amazonaws.com', '.localhost'];
const regionRe = /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/;

interface HostInfo {
  labels: string[];
}

function hostLabels(hostname: string | undefined): HostInfo | undefined {
  if (!hostname) return undefined;
  for (const suffix of hostSuffixes) {
    if (hostname.endsWith(suffix) && hostname.length > suffix.length) {
      return { labels: hostname.slice(0, -suffix.length).split('.') };
    }
  }
  return undefined;
}

export function identify(
  list: readonly ServiceIdentity[],
  input: {
    target?: string;
    signature?: SignatureInfo;
    hostname?: string;
    path: string;
    /** Query string or form parameters, when already known (Action, Version). */
    params?: URLSearchParams;
  },
): Identification | undefined {
  const ix = indexOf(list);
  const host = hostLabels(input.hostname);
  let hostService: ServiceIdentity | undefined;
  let hostRegion: string | undefined;
  let virtualBucket: string | undefined;
  if (host) {
    const l = host.labels;
    // <bucket>.s3[.<region>|-<region>] — the bucket itself may contain dots.
    const s3At = l.findIndex((x, i) => i > 0 && (x === 's3' || x.startsWith('s3-') || x === 's3-website'));
    const lambda = l[1] === 'lambda-url' ? ix.byEndpointPrefix.get('lambda') : undefined;
    if (lambda) {
      // <url-id>.lambda-url.<region>.localhost: a Lambda function URL, served by the lambda service.
      hostService = lambda;
      if (l[2] && regionRe.test(l[2])) hostRegion = l[2];
    } else if (ix.s3 && s3At > 0) {
      hostService = ix.s3;
      virtualBucket = l.slice(0, s3At).join('.');
      const r = l[s3At + 1] ?? l[s3At].slice(3);
      if (regionRe.test(r)) hostRegion = r;
    } else {
      const svc = ix.byEndpointPrefix.get(l[0]);
      if (svc) {
        hostService = svc;
        if (l[1] && regionRe.test(l[1])) hostRegion = l[1];
      } else if (ix.s3 && l.length >= 1 && !regionRe.test(l[0]) && l[0] !== 's3') {
        // bucket.localhost: any unknown first label names a bucket, as LocalStack does.
        hostService = ix.s3;
        virtualBucket = l.join('.');
      }
    }
  }
  const region = input.signature?.region ?? hostRegion;

  if (input.target) {
    const dot = input.target.lastIndexOf('.');
    const svc = ix.byTarget.get(dot > 0 ? input.target.slice(0, dot) : input.target);
    if (svc) return { identity: svc, region };
  }
  const signing = input.signature?.service;
  if (signing) {
    const candidates = ix.bySigningName.get(signing);
    if (candidates?.length === 1) return { identity: candidates[0], region, virtualBucket: candidates[0] === hostService ? virtualBucket : undefined };
    if (candidates && candidates.length > 1) {
      const pick =
        candidates.find((c) => c === hostService) ??
        candidates.find((c) => (c.restPathPrefixes ?? []).includes(firstSegment(input.path))) ??
        candidates.find((c) => c.endpointPrefix === signing) ??
        candidates[0];
      return { identity: pick, region, virtualBucket: pick === hostService ? virtualBucket : undefined };
    }
  }
  if (hostService) return { identity: hostService, region, virtualBucket };
  const version = input.params?.get('Version');
  if (version && input.params?.has('Action')) {
    const svc = ix.byQueryVersion.get(version);
    if (svc) return { identity: svc, region };
  }
  const byPath = ix.byPathPrefix.get(firstSegment(input.path));
  if (byPath) return { identity: byPath, region };
  // S3 answers requests nothing else claims, unless they name another service (a signature scope
  // or X-Amz-Target for a service Fogbank does not have): those get a clear "unrecognized" error.
  const other = input.target !== undefined || (input.signature?.service !== undefined && input.signature.service !== 's3');
  if (ix.s3 && !other) return { identity: ix.s3, region };
  return undefined;
}

function firstSegment(path: string): string {
  const end = path.indexOf('/', 1);
  return path.slice(1, end < 0 ? undefined : end);
}
