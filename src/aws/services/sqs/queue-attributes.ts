// Queue attributes: defaults, AWS's checks for CreateQueue/SetQueueAttributes, and the parsed
// settings the engine runs on. Stored as the strings clients see (normalized where AWS normalizes).
import { ServiceError } from '../../../core/errors.ts';
import { parseQueueArn } from './queue-url.ts';

export type QueueAttributes = Record<string, string>;

/** Read-only attributes GetQueueAttributes computes. */
export const COMPUTED_ATTRIBUTES = [
  'ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed',
  'CreatedTimestamp', 'LastModifiedTimestamp', 'QueueArn',
] as const;

const STANDARD_DEFAULTS: QueueAttributes = {
  DelaySeconds: '0',
  MaximumMessageSize: '1048576',
  MessageRetentionPeriod: '345600',
  ReceiveMessageWaitTimeSeconds: '0',
  VisibilityTimeout: '30',
  SqsManagedSseEnabled: 'true',
};

const FIFO_DEFAULTS: QueueAttributes = {
  ...STANDARD_DEFAULTS,
  FifoQueue: 'true',
  ContentBasedDeduplication: 'false',
  DeduplicationScope: 'queue',
  FifoThroughputLimit: 'perQueue',
};

const INTEGER_RANGES: Record<string, [number, number]> = {
  DelaySeconds: [0, 900],
  MaximumMessageSize: [1024, 1048576],
  MessageRetentionPeriod: [60, 1209600],
  ReceiveMessageWaitTimeSeconds: [0, 20],
  VisibilityTimeout: [0, 43200],
  KmsDataKeyReusePeriodSeconds: [60, 86400],
};

const FIFO_ONLY = new Set(['FifoQueue', 'ContentBasedDeduplication', 'DeduplicationScope', 'FifoThroughputLimit']);
const SETTABLE = new Set([
  ...Object.keys(INTEGER_RANGES), 'Policy', 'RedrivePolicy', 'RedriveAllowPolicy', 'KmsMasterKeyId',
  'SqsManagedSseEnabled', ...FIFO_ONLY,
]);

export function defaultAttributes(fifo: boolean): QueueAttributes {
  return { ...(fifo ? FIFO_DEFAULTS : STANDARD_DEFAULTS) };
}

export function unknownAttribute(name: string): ServiceError {
  return new ServiceError('InvalidAttributeName', `Unknown Attribute ${name}.`, 400);
}

function invalidValue(name: string): ServiceError {
  return new ServiceError('InvalidAttributeValue', `Invalid value for the parameter ${name}.`, 400);
}

function invalidParameter(name: string, value: string, reason: string): ServiceError {
  return new ServiceError('InvalidParameterValue', `Value ${value} for parameter ${name} is invalid. Reason: ${reason}`, 400);
}

/**
 * Checks attributes given to CreateQueue (`creating`) or SetQueueAttributes and returns them
 * normalized. Applying them over the current ones is the caller's business.
 */
export function checkAttributes(input: QueueAttributes, fifo: boolean, creating: boolean): QueueAttributes {
  const out: QueueAttributes = {};
  for (const [name, raw] of Object.entries(input)) {
    const value = String(raw);
    if (!SETTABLE.has(name)) throw unknownAttribute(name);
    if (FIFO_ONLY.has(name) && !fifo && !(name === 'FifoQueue' && value === 'false' && creating)) throw unknownAttribute(name);
    if (name === 'FifoQueue' && !creating) throw new ServiceError('InvalidAttributeName', `You can't change the FifoQueue attribute of an existing queue.`, 400);
    const range = INTEGER_RANGES[name];
    if (range) {
      const n = /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : NaN;
      if (!Number.isInteger(n) || n < range[0] || n > range[1]) throw invalidValue(name);
      out[name] = String(n);
      continue;
    }
    switch (name) {
      case 'FifoQueue':
      case 'ContentBasedDeduplication':
      case 'SqsManagedSseEnabled':
        if (!/^(true|false)$/i.test(value)) throw invalidValue(name);
        out[name] = value.toLowerCase();
        break;
      case 'DeduplicationScope':
        if (value !== 'messageGroup' && value !== 'queue') throw invalidValue(name);
        out[name] = value;
        break;
      case 'FifoThroughputLimit':
        if (value !== 'perQueue' && value !== 'perMessageGroupId') throw invalidValue(name);
        out[name] = value;
        break;
      case 'Policy':
        out[name] = value === '' ? '' : checkPolicy(value);
        break;
      case 'RedrivePolicy':
        out[name] = value === '' ? '' : normalizeRedrivePolicy(value);
        break;
      case 'RedriveAllowPolicy':
        out[name] = value === '' ? '' : normalizeRedriveAllowPolicy(value);
        break;
      default:
        out[name] = value;
    }
  }
  return out;
}

/** The attribute set after applying `changes` (an empty Policy/RedrivePolicy removes it). */
export function applyAttributes(current: QueueAttributes, changes: QueueAttributes): QueueAttributes {
  const next = { ...current, ...changes };
  for (const name of ['Policy', 'RedrivePolicy', 'RedriveAllowPolicy', 'KmsMasterKeyId']) if (next[name] === '') delete next[name];
  if (next.KmsMasterKeyId) {
    next.SqsManagedSseEnabled = 'false';
    next.KmsDataKeyReusePeriodSeconds ??= '300';
  }
  const fifo = next.FifoQueue === 'true';
  if (fifo && next.FifoThroughputLimit === 'perMessageGroupId' && next.DeduplicationScope !== 'messageGroup') {
    throw invalidParameter('FifoThroughputLimit', 'perMessageGroupId',
      'The perMessageGroupId value is allowed only when the value for DeduplicationScope is messageGroup');
  }
  if (next.FifoQueue === 'false') delete next.FifoQueue;
  return next;
}

function checkPolicy(value: string): string {
  try {
    const doc = JSON.parse(value);
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new Error('not an object');
  } catch {
    throw invalidValue('Policy');
  }
  return value;
}

export interface RedrivePolicy {
  deadLetterTargetArn: string;
  maxReceiveCount: number;
}

function normalizeRedrivePolicy(value: string): string {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(value);
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new Error('not an object');
  } catch {
    throw invalidParameter('RedrivePolicy', value, 'Redrive policy is not a valid JSON map.');
  }
  const arn = doc.deadLetterTargetArn;
  const count = Number(doc.maxReceiveCount);
  if (typeof arn !== 'string' || doc.maxReceiveCount === undefined) {
    throw invalidParameter('RedrivePolicy', value, 'Redrive policy does not contain mandatory attribute: ' +
      (typeof arn !== 'string' ? 'deadLetterTargetArn' : 'maxReceiveCount') + '.');
  }
  if (!parseQueueArn(arn)) throw invalidParameter('RedrivePolicy', value, 'Invalid value for deadLetterTargetArn.');
  if (!Number.isInteger(count) || count < 1 || count > 1000) {
    throw invalidParameter('RedrivePolicy', value, 'Invalid value for maxReceiveCount: ' + String(doc.maxReceiveCount) + ', valid values are from 1 to 1000 both inclusive.');
  }
  return JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: count });
}

export interface RedriveAllowPolicy {
  redrivePermission: 'allowAll' | 'denyAll' | 'byQueue';
  sourceQueueArns?: string[];
}

function normalizeRedriveAllowPolicy(value: string): string {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(value);
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new Error('not an object');
  } catch {
    throw invalidParameter('RedriveAllowPolicy', value, 'Amazon SQS can\'t create the redrive allow policy, as it\'s in an unsupported format.');
  }
  const permission = doc.redrivePermission;
  if (permission !== 'allowAll' && permission !== 'denyAll' && permission !== 'byQueue') {
    throw invalidParameter('RedriveAllowPolicy', value, 'Amazon SQS can\'t create the redrive allow policy, as it\'s in an unsupported format.');
  }
  const arns = doc.sourceQueueArns;
  if (permission === 'byQueue') {
    if (!Array.isArray(arns) || arns.length < 1 || arns.length > 10 || !arns.every((a) => typeof a === 'string')) {
      throw invalidParameter('RedriveAllowPolicy', value,
        'Amazon SQS can\'t create the redrive allow policy. When you specify the byQueue permission type, you must also specify one or more sourceQueueArns values (at most 10).');
    }
    return JSON.stringify({ redrivePermission: permission, sourceQueueArns: arns });
  }
  if (arns !== undefined && (!Array.isArray(arns) || arns.length > 0)) {
    throw invalidParameter('RedriveAllowPolicy', value,
      `Amazon SQS can't create the redrive allow policy. To specify one or more source queues, you must set redrivePermission to byQueue.`);
  }
  return JSON.stringify({ redrivePermission: permission });
}

/** The settings the engine uses, parsed once per queue load. */
export interface QueueSettings {
  delayMs: number;
  visibilityMs: number;
  retentionMs: number;
  maxMessageSize: number;
  waitSeconds: number;
  contentBasedDeduplication: boolean;
  dedupByGroup: boolean;
  redrive?: RedrivePolicy;
  redriveAllow?: RedriveAllowPolicy;
}

export function settingsOf(a: QueueAttributes): QueueSettings {
  return {
    delayMs: Number(a.DelaySeconds ?? 0) * 1000,
    visibilityMs: Number(a.VisibilityTimeout ?? 30) * 1000,
    retentionMs: Number(a.MessageRetentionPeriod ?? 345600) * 1000,
    maxMessageSize: Number(a.MaximumMessageSize ?? 1048576),
    waitSeconds: Number(a.ReceiveMessageWaitTimeSeconds ?? 0),
    contentBasedDeduplication: a.ContentBasedDeduplication === 'true',
    dedupByGroup: a.DeduplicationScope === 'messageGroup',
    redrive: a.RedrivePolicy ? (JSON.parse(a.RedrivePolicy) as RedrivePolicy) : undefined,
    redriveAllow: a.RedriveAllowPolicy ? (JSON.parse(a.RedriveAllowPolicy) as RedriveAllowPolicy) : undefined,
  };
}
