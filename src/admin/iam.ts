// PUT /_fogbank/iam: the instance's IAM mode and per-account overrides, changed while Fogbank runs
// (a test suite can turn strict on for one account). Body: { "mode"?: "off"|"soft"|"strict",
// "accounts"?: { "<12-digit id>": "off"|"soft"|"strict"|null } } (null returns an account to the
// instance's mode). Answers what is in force afterwards.
import { ServiceError } from '../core/errors.ts';
import { isIamMode, type IamSettings } from '../core/iam/mode.ts';

export function setIamModes(iam: IamSettings, body: Record<string, unknown>): ReturnType<IamSettings['describe']> {
  const { mode, accounts } = body;
  if (mode !== undefined && !isIamMode(mode)) throw new ServiceError('InvalidParameter', `mode must be off, soft or strict, not ${JSON.stringify(mode)}`, 400);
  if (accounts !== undefined && (accounts === null || typeof accounts !== 'object' || Array.isArray(accounts))) {
    throw new ServiceError('InvalidParameter', 'accounts must be an object of account id to mode', 400);
  }
  const changes = Object.entries((accounts ?? {}) as Record<string, unknown>);
  for (const [account, m] of changes) {
    if (!/^\d{12}$/.test(account)) throw new ServiceError('InvalidParameter', `${JSON.stringify(account)} is not a 12-digit account id`, 400);
    if (m !== null && !isIamMode(m)) throw new ServiceError('InvalidParameter', `the mode of ${account} must be off, soft, strict or null, not ${JSON.stringify(m)}`, 400);
  }
  // Checked whole before anything changes: a bad entry leaves the modes as they were.
  if (mode !== undefined) iam.mode = mode;
  for (const [account, m] of changes) iam.setAccount(account, m === null ? undefined : (m as IamSettings['mode']));
  return iam.describe();
}
