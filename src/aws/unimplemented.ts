// AWS services Fogbank does not register yet. A request whose X-Amz-Target prefix, signature scope,
// host name or query Action/Version names one of them (IAM, KMS, EC2, …) is answered with HTTP 501
// `NotImplemented` naming that service, in that service's protocol, so that its SDK shows a clear
// message; it never falls through to S3 (DESIGN.md §1). The table of known services is generated
// from botocore's metadata (src/aws/generated/aws-services.ts) and loaded on the first such request
// only, so start-up pays nothing for it.
import type { HttpResponse } from '../core/http.ts';
import { ServiceError } from '../core/errors.ts';
import type { SignatureInfo } from './auth/sigv4.ts';
import type { KnownAwsService } from './generated/aws-services.ts';
import type { ServiceModel } from './protocol/model.ts';
import { loadCodec } from './protocol/index.ts';

export type { KnownAwsService } from './generated/aws-services.ts';

interface Index {
  byTarget: Map<string, KnownAwsService>;
  bySigningName: Map<string, KnownAwsService[]>;
  byEndpointPrefix: Map<string, KnownAwsService>;
  byQueryVersion: Map<string, KnownAwsService[]>;
}

let loading: Promise<Index> | undefined;

function index(): Promise<Index> {
  loading ??= import('./generated/aws-services.ts').then(({ knownAwsServices }) => {
    const ix: Index = { byTarget: new Map(), bySigningName: new Map(), byEndpointPrefix: new Map(), byQueryVersion: new Map() };
    const add = <K>(map: Map<K, KnownAwsService[]>, key: K, s: KnownAwsService) => map.set(key, [...(map.get(key) ?? []), s]);
    for (const s of knownAwsServices) {
      if (s.targetPrefix && !ix.byTarget.has(s.targetPrefix)) ix.byTarget.set(s.targetPrefix, s);
      const signing = s.signingName ?? s.endpointPrefix;
      if (signing) add(ix.bySigningName, signing, s);
      if (s.endpointPrefix && !ix.byEndpointPrefix.has(s.endpointPrefix)) ix.byEndpointPrefix.set(s.endpointPrefix, s);
      if ((s.protocol === 'query' || s.protocol === 'ec2') && s.apiVersion) add(ix.byQueryVersion, s.apiVersion, s);
    }
    return ix;
  });
  return loading;
}

/** Host names under which the first label names a service: <service>[.<region>].<suffix>. */
const SERVICE_HOST = /^([a-z0-9-]+)(?:\.([a-z]{2}(?:-gov|-iso[a-z]*)?-[a-z]+-\d))?\.(?:amazonaws\.com|amazonaws\.com\.cn|localhost\.localstack\.cloud|localhost)$/;

export interface ServiceHints {
  target?: string;
  signature?: SignatureInfo;
  hostname?: string;
  /** Query string or form parameters (Action, Version). */
  params?: URLSearchParams;
}

/**
 * The AWS service a request names, among those Fogbank does not register (`registered` tells which
 * names it does); undefined when it names none. Same order as identify.ts: target, signature scope,
 * host, Action/Version.
 */
export async function unregisteredService(hints: ServiceHints, registered: (s: KnownAwsService) => boolean): Promise<KnownAwsService | undefined> {
  const ix = await index();
  const host = hints.hostname ? SERVICE_HOST.exec(hints.hostname) : null;
  // bucket.localhost is an S3 bucket (as in LocalStack); only a region label or an AWS domain makes the first label a service.
  const hostPrefix = host && (host[2] !== undefined || !hints.hostname!.endsWith('.localhost') || hints.hostname!.endsWith('.localstack.cloud')) ? host[1] : undefined;
  const pick = (list: KnownAwsService[] | undefined) => {
    const open = list?.filter((s) => !registered(s));
    return open?.find((s) => s.endpointPrefix === hostPrefix) ?? open?.[0];
  };
  const unless = (s: KnownAwsService | undefined) => (s && !registered(s) ? s : undefined);
  if (hints.target) {
    const dot = hints.target.lastIndexOf('.');
    const found = unless(ix.byTarget.get(dot > 0 ? hints.target.slice(0, dot) : hints.target));
    if (found) return found;
  }
  const signing = hints.signature?.service;
  if (signing && signing !== 's3' && signing !== 's3express') {
    const found = pick(ix.bySigningName.get(signing));
    if (found) return found;
  }
  if (hostPrefix) {
    const found = unless(ix.byEndpointPrefix.get(hostPrefix));
    if (found) return found;
  }
  const version = hints.params?.get('Version');
  if (version && hints.params?.has('Action')) return pick(ix.byQueryVersion.get(version));
  return undefined;
}

/** What Fogbank answers for every request to `service`. */
export function notImplementedService(service: KnownAwsService): ServiceError {
  const name = service.serviceId ?? service.name;
  return new ServiceError('NotImplemented', `Fogbank does not implement the ${name} API yet`, { status: 501, senderFault: false });
}

/** Renders `error` in the protocol of `service`, with a model made of its metadata alone. */
export async function renderFor(service: KnownAwsService, error: ServiceError, requestId: string): Promise<HttpResponse> {
  const protocol = service.protocol ?? 'json';
  const model: ServiceModel = {
    metadata: {
      protocol,
      apiVersion: service.apiVersion ?? '',
      endpointPrefix: service.endpointPrefix,
      targetPrefix: service.targetPrefix,
      jsonVersion: service.jsonVersion,
      xmlNamespace: service.xmlNamespace,
      serviceId: service.serviceId,
    },
    operations: {},
    shapes: {},
  };
  const codec = await loadCodec(protocol).catch(() => loadCodec('json'));
  return codec.serializeError(model, undefined, error, { requestId });
}
