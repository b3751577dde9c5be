// When SNS tries a failed delivery again. HTTP/S follows the topic's or subscription's delivery
// policy (four phases: immediate, pre-backoff at minDelay, backoff from min to max, post-backoff at
// maxDelay); the other protocols follow AWS's fixed policies, which cannot be changed.

export interface RetryPolicy {
  minDelayTarget: number;
  maxDelayTarget: number;
  numRetries: number;
  numNoDelayRetries: number;
  numMinDelayRetries: number;
  numMaxDelayRetries: number;
  backoffFunction: 'linear' | 'arithmetic' | 'geometric' | 'exponential';
}

export const DEFAULT_HTTP_POLICY: RetryPolicy = {
  minDelayTarget: 20,
  maxDelayTarget: 20,
  numRetries: 3,
  numNoDelayRetries: 0,
  numMinDelayRetries: 0,
  numMaxDelayRetries: 0,
  backoffFunction: 'linear',
};

/** SQS, Lambda, Firehose: 3 immediate, 2 at 1 s, 10 backing off to 20 s, 100,000 at 20 s (23 days). */
export const MANAGED_POLICY: RetryPolicy = {
  minDelayTarget: 1,
  maxDelayTarget: 20,
  numRetries: 100_015 - 1,
  numNoDelayRetries: 3,
  numMinDelayRetries: 2,
  numMaxDelayRetries: 100_000,
  backoffFunction: 'exponential',
};

/** Email, SMS, mobile push: 0 immediate, 2 at 10 s, 10 backing off to 600 s, 38 at 600 s (~6 hours). */
export const CUSTOMER_MANAGED_POLICY: RetryPolicy = {
  minDelayTarget: 10,
  maxDelayTarget: 600,
  numRetries: 50 - 1,
  numNoDelayRetries: 0,
  numMinDelayRetries: 2,
  numMaxDelayRetries: 38,
  backoffFunction: 'exponential',
};

/** Seconds to wait before retry number `retry` (1-based), or undefined when the policy is exhausted. */
export function retryDelay(p: RetryPolicy, retry: number): number | undefined {
  if (retry > p.numRetries) return undefined;
  if (retry <= p.numNoDelayRetries) return 0;
  let n = retry - p.numNoDelayRetries;
  if (n <= p.numMinDelayRetries) return p.minDelayTarget;
  n -= p.numMinDelayRetries;
  const backoff = Math.max(0, p.numRetries - p.numNoDelayRetries - p.numMinDelayRetries - p.numMaxDelayRetries);
  if (n <= backoff) {
    const x = n / backoff;
    const span = p.maxDelayTarget - p.minDelayTarget;
    const f =
      p.backoffFunction === 'linear' ? x
      : p.backoffFunction === 'arithmetic' ? x * x
      : p.backoffFunction === 'geometric' ? x * x * x
      : (Math.pow(2, 10 * x) - 1) / (Math.pow(2, 10) - 1);
    return p.minDelayTarget + span * f;
  }
  return p.maxDelayTarget;
}

export class DeliveryPolicyError extends Error {}

/** Checks a subscription's (or topic's `http` section's) healthy retry policy and fills defaults. */
export function parseRetryPolicy(raw: unknown): RetryPolicy {
  if (raw === undefined) return DEFAULT_HTTP_POLICY;
  if (typeof raw !== 'object' || raw === null) throw new DeliveryPolicyError('healthyRetryPolicy must be an object');
  const r = raw as Record<string, unknown>;
  const int = (k: string, def: number, min: number, max: number) => {
    const v = r[k];
    if (v === undefined) return def;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new DeliveryPolicyError(`${k} must be an integer between ${min} and ${max}`);
    return v;
  };
  const p: RetryPolicy = {
    minDelayTarget: int('minDelayTarget', 20, 1, 3600),
    maxDelayTarget: int('maxDelayTarget', 20, 1, 3600),
    numRetries: int('numRetries', 3, 0, 100),
    numNoDelayRetries: int('numNoDelayRetries', 0, 0, 100),
    numMinDelayRetries: int('numMinDelayRetries', 0, 0, 100),
    numMaxDelayRetries: int('numMaxDelayRetries', 0, 0, 100),
    backoffFunction: (r.backoffFunction as RetryPolicy['backoffFunction']) ?? 'linear',
  };
  if (!['linear', 'arithmetic', 'geometric', 'exponential'].includes(p.backoffFunction)) throw new DeliveryPolicyError('backoffFunction must be one of linear, arithmetic, geometric, exponential');
  if (p.minDelayTarget > p.maxDelayTarget) throw new DeliveryPolicyError('minDelayTarget must be less than or equal to maxDelayTarget');
  if (p.numNoDelayRetries + p.numMinDelayRetries + p.numMaxDelayRetries > p.numRetries) {
    throw new DeliveryPolicyError('numRetries must be greater than or equal to numNoDelayRetries + numMinDelayRetries + numMaxDelayRetries');
  }
  let total = 0;
  for (let i = 1; i <= p.numRetries; i++) total += retryDelay(p, i)!;
  if (total > 3600) throw new DeliveryPolicyError('total retry time must not exceed 3600 seconds');
  return p;
}

export interface HttpDeliveryPolicy {
  retry: RetryPolicy;
  contentType: string;
  maxReceivesPerSecond?: number;
}

/**
 * The policy in force for an HTTP/S subscription: the subscription's own, unless the topic's `http`
 * section disables overrides, else the topic's defaults, else AWS's.
 */
export function effectiveHttpPolicy(topicPolicy: string | undefined, subscriptionPolicy: string | undefined): { policy: HttpDeliveryPolicy; json: Record<string, unknown> } {
  const topic = safeJson(topicPolicy)?.http as Record<string, unknown> | undefined;
  const sub = safeJson(subscriptionPolicy);
  const useSub = sub && !(topic?.disableSubscriptionOverrides === true);
  const healthy = (useSub ? sub.healthyRetryPolicy : undefined) ?? topic?.defaultHealthyRetryPolicy;
  const request = ((useSub ? sub.requestPolicy : undefined) ?? topic?.defaultRequestPolicy) as Record<string, unknown> | undefined;
  const throttle = ((useSub ? sub.throttlePolicy : undefined) ?? topic?.defaultThrottlePolicy) as Record<string, unknown> | undefined;
  let retry = DEFAULT_HTTP_POLICY;
  try {
    retry = parseRetryPolicy(healthy);
  } catch {
    // Checked when set.
  }
  const contentType = typeof request?.headerContentType === 'string' ? request.headerContentType : 'text/plain; charset=UTF-8';
  const json: Record<string, unknown> = {
    healthyRetryPolicy: retry,
    sicklyRetryPolicy: null,
    throttlePolicy: throttle ?? null,
    requestPolicy: { headerContentType: contentType },
    guaranteed: false,
  };
  return { policy: { retry, contentType, maxReceivesPerSecond: throttle?.maxReceivesPerSecond as number | undefined }, json };
}

/** Checks a DeliveryPolicy attribute; throws DeliveryPolicyError with the reason. */
export function validateDeliveryPolicy(text: string, level: 'topic' | 'subscription'): void {
  const doc = safeJson(text);
  if (!doc) throw new DeliveryPolicyError('DeliveryPolicy must be a JSON object');
  if (level === 'subscription') {
    parseRetryPolicy(doc.healthyRetryPolicy);
    return;
  }
  for (const [protocol, section] of Object.entries(doc)) {
    if (typeof section !== 'object' || section === null) throw new DeliveryPolicyError(`${protocol} must be an object`);
    parseRetryPolicy((section as Record<string, unknown>).defaultHealthyRetryPolicy);
  }
}

function safeJson(text: string | undefined): Record<string, unknown> | undefined {
  if (!text) return undefined;
  try {
    const v = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? v : undefined;
  } catch {
    return undefined;
  }
}
