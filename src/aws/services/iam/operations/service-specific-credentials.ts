// Service-specific credentials: a user name and password for the services that take one instead of
// SigV4 (CodeCommit over HTTPS Git, Amazon Keyspaces, Bedrock API keys). The password is shown when
// created or reset, never again; at most two per user per service.
import { createHash, randomBytes } from 'node:crypto';
import type {
  CreateServiceSpecificCredentialRequest, CreateServiceSpecificCredentialResponse, ListServiceSpecificCredentialsRequest,
  ListServiceSpecificCredentialsResponse, ResetServiceSpecificCredentialRequest, ResetServiceSpecificCredentialResponse,
  UpdateServiceSpecificCredentialRequest, DeleteServiceSpecificCredentialRequest,
} from '../generated/types.ts';
import { ServiceError } from '../../../../core/errors.ts';
import { iamUniqueId } from '../../../../core/resources/ids.ts';
import { limitExceeded, noSuchEntity } from '../errors.ts';
import { requireEntity, targetUser } from '../lookup.ts';
import type { Ctx, EntityRow, UserCredentialRow } from '../store.ts';

/** The services IAM issues these credentials for. */
const SERVICES = new Set(['codecommit.amazonaws.com', 'cassandra.amazonaws.com', 'bedrock.amazonaws.com']);
const PER_USER_PER_SERVICE = 2;

const notFound = (id: string) => noSuchEntity(`No such credential ${id} exists`);

/** What the service user logs in as: `<user>-at-<account>`, as IAM forms it. */
const serviceUserName = (user: EntityRow, ctx: Ctx) => `${user.name}-at-${ctx.account}`;

function newPassword(): { password: string; hash: string } {
  const password = randomBytes(33).toString('base64');
  return { password, hash: createHash('sha256').update(password).digest('hex') };
}

function listed(user: EntityRow, row: UserCredentialRow, ctx: Ctx) {
  return {
    UserName: user.name, Status: row.status, ServiceUserName: serviceUserName(user, ctx), CreateDate: new Date(row.uploaded),
    ServiceSpecificCredentialId: row.id, ServiceName: row.fingerprint,
  };
}

export async function createServiceSpecificCredential(input: CreateServiceSpecificCredentialRequest, ctx: Ctx): Promise<CreateServiceSpecificCredentialResponse> {
  if (!SERVICES.has(input.ServiceName)) throw new ServiceError('NotSupportedService', `The specified service ${input.ServiceName} is not supported.`, 404);
  const { password, hash } = newPassword();
  return await ctx.state.unit(async () => {
    const user = await requireEntity(ctx, 'user', input.UserName);
    const existing = (await ctx.state.userCredentials(user.id, 'service-credential')).filter((c) => c.fingerprint === input.ServiceName);
    if (existing.length >= PER_USER_PER_SERVICE) {
      throw limitExceeded(`Cannot exceed quota for ServiceSpecificCredentialsPerUserPerService: ${PER_USER_PER_SERVICE}`);
    }
    const row: UserCredentialRow = {
      id: iamUniqueId('ACCA'), user_id: user.id, kind: 'service-credential', body: hash, fingerprint: input.ServiceName, status: 'Active', uploaded: ctx.clock.now(),
    };
    await ctx.state.insertUserCredential(row);
    return { ServiceSpecificCredential: { ...listed(user, row, ctx), ServicePassword: password } };
  });
}

async function usersCredential(ctx: Ctx, user: EntityRow, id: string): Promise<UserCredentialRow> {
  const row = await ctx.state.userCredential(id);
  if (!row || row.kind !== 'service-credential' || row.user_id !== user.id) throw notFound(id);
  return row;
}

export async function listServiceSpecificCredentials(input: ListServiceSpecificCredentialsRequest, ctx: Ctx): Promise<ListServiceSpecificCredentialsResponse> {
  const user = await targetUser(ctx, input.UserName);
  const rows = (await ctx.state.userCredentials(user.id, 'service-credential')).filter((c) => input.ServiceName === undefined || c.fingerprint === input.ServiceName);
  return { ServiceSpecificCredentials: rows.map((r) => listed(user, r, ctx)) };
}

export async function resetServiceSpecificCredential(input: ResetServiceSpecificCredentialRequest, ctx: Ctx): Promise<ResetServiceSpecificCredentialResponse> {
  const { password, hash } = newPassword();
  return await ctx.state.unit(async () => {
    const user = await targetUser(ctx, input.UserName);
    const row = await usersCredential(ctx, user, input.ServiceSpecificCredentialId);
    await ctx.state.setUserCredentialBody(row.id, hash);
    return { ServiceSpecificCredential: { ...listed(user, row, ctx), ServicePassword: password } };
  });
}

export async function updateServiceSpecificCredential(input: UpdateServiceSpecificCredentialRequest, ctx: Ctx): Promise<void> {
  await ctx.state.unit(async () => {
    const user = await targetUser(ctx, input.UserName);
    await ctx.state.setUserCredentialStatus((await usersCredential(ctx, user, input.ServiceSpecificCredentialId)).id, input.Status);
  });
}

export async function deleteServiceSpecificCredential(input: DeleteServiceSpecificCredentialRequest, ctx: Ctx): Promise<void> {
  await ctx.state.unit(async () => {
    const user = await targetUser(ctx, input.UserName);
    await ctx.state.deleteUserCredential((await usersCredential(ctx, user, input.ServiceSpecificCredentialId)).id);
  });
}
