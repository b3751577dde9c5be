// How much of IAM Fogbank enforces (issue 12): `off` (the default: signatures and identity policies
// are not checked, every principal administers its own account), `soft` (everything is checked and
// every would-be denial is logged, nothing is denied), `strict` (denied as AWS denies). One mode for
// the whole instance, overridden per account from the admin API (a team can try strict on one account).

export const IAM_MODES = ['off', 'soft', 'strict'] as const;
export type IamMode = (typeof IAM_MODES)[number];

export function isIamMode(value: unknown): value is IamMode {
  return typeof value === 'string' && (IAM_MODES as readonly string[]).includes(value);
}

export class IamSettings {
  mode: IamMode;
  readonly #accounts = new Map<string, IamMode>();

  constructor(mode: IamMode = 'off') {
    this.mode = mode;
  }

  /** The mode that applies to calls made by `account`'s principals. */
  modeFor(account: string): IamMode {
    return this.#accounts.get(account) ?? this.mode;
  }

  /** Sets an account's own mode; undefined returns it to the instance's. */
  setAccount(account: string, mode: IamMode | undefined): void {
    if (mode === undefined) this.#accounts.delete(account);
    else this.#accounts.set(account, mode);
  }

  /** What the admin API shows. */
  describe(): { mode: IamMode; accounts: Record<string, IamMode> } {
    return { mode: this.mode, accounts: Object.fromEntries(this.#accounts) };
  }

  /** Back to `mode` for everyone (a reset). */
  clear(mode: IamMode): void {
    this.mode = mode;
    this.#accounts.clear();
  }
}
