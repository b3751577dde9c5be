// Who is calling: the principal a provider worked out from the request's credentials. Its own file so
// that accounts.ts (which issues principals) and service.ts (which hands them to handlers) need not
// import each other.

/** Who is calling, as worked out from the request's credentials. */
export interface Caller {
  accessKeyId: string;
  account: string;
  /** ARN of the principal (root, IAM user or assumed role). */
  arn: string;
  /** The principal's unique id (AIDA…/AROA…:session), as GetCallerIdentity reports it. */
  userId: string;
  sessionToken?: string;
  /** A request with no signature at all (an operation AWS serves anonymously, auth/anonymous.ts). */
  anonymous?: boolean;
}
