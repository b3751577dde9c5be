// Object Lock: retention (GOVERNANCE / COMPLIANCE until a date) and legal holds, given per object
// or by the bucket's default retention. Removal is refused in versions.ts (assertRemovable).
import type { Bucket } from './store.ts';
import type { Ctx } from './common.ts';
import { S3Errors } from './errors.ts';

export interface ObjectLockConfiguration {
  ObjectLockEnabled?: string;
  Rule?: { DefaultRetention?: { Mode?: string; Days?: number; Years?: number } };
}

export interface LockInput {
  ObjectLockMode?: string;
  ObjectLockRetainUntilDate?: Date;
  ObjectLockLegalHoldStatus?: string;
}

export interface LockState {
  lockMode?: string;
  lockUntil?: number;
  legalHold: boolean;
}

const DAY = 86_400_000;

export function checkMode(mode: string): void {
  if (mode !== 'GOVERNANCE' && mode !== 'COMPLIANCE') throw S3Errors.invalidArgument('Unknown wormMode directive.', 'x-amz-object-lock-mode', mode);
}

/** The lock a new object gets: what the request asks, else the bucket's default retention. */
export async function lockForNewObject(ctx: Ctx, bucket: Bucket, input: LockInput, hasDigest: boolean): Promise<LockState> {
  const asked = input.ObjectLockMode !== undefined || input.ObjectLockRetainUntilDate !== undefined || input.ObjectLockLegalHoldStatus !== undefined;
  if (asked && !bucket.objectLock) throw S3Errors.invalidRequest('Bucket is missing Object Lock Configuration');
  if (!bucket.objectLock) return { legalHold: false };
  const state: LockState = { legalHold: false };
  if ((input.ObjectLockMode === undefined) !== (input.ObjectLockRetainUntilDate === undefined)) {
    throw S3Errors.invalidArgument('x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied', 'x-amz-object-lock-mode', input.ObjectLockMode ?? '');
  }
  if (input.ObjectLockMode !== undefined) {
    checkMode(input.ObjectLockMode);
    const until = input.ObjectLockRetainUntilDate!.getTime();
    if (until <= ctx.clock.now()) throw S3Errors.invalidArgument('The retain until date must be in the future!', 'x-amz-object-lock-retain-until-date', input.ObjectLockRetainUntilDate!.toISOString());
    state.lockMode = input.ObjectLockMode;
    state.lockUntil = until;
  } else {
    const d = (await ctx.state.config<ObjectLockConfiguration>(bucket.name, 'objectLock'))?.Rule?.DefaultRetention;
    if (d?.Mode) {
      state.lockMode = d.Mode;
      state.lockUntil = ctx.clock.now() + (d.Days ?? 0) * DAY + (d.Years ?? 0) * 365 * DAY;
    }
  }
  if (input.ObjectLockLegalHoldStatus !== undefined) {
    if (input.ObjectLockLegalHoldStatus !== 'ON' && input.ObjectLockLegalHoldStatus !== 'OFF') {
      throw S3Errors.invalidArgument("Legal Hold must be either of 'ON' or 'OFF'", 'x-amz-object-lock-legal-hold', input.ObjectLockLegalHoldStatus);
    }
    state.legalHold = input.ObjectLockLegalHoldStatus === 'ON';
  }
  if (asked && !hasDigest) {
    throw S3Errors.invalidRequest('Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with Object Lock parameters');
  }
  return state;
}
