// Users' X.509 signing certificates (the credentials of some older SOAP APIs): at most two per user,
// Active or Inactive, the same certificate never twice in an account.
import { randomBytes } from 'node:crypto';
import type {
  UploadSigningCertificateRequest, UploadSigningCertificateResponse, ListSigningCertificatesRequest, ListSigningCertificatesResponse,
  UpdateSigningCertificateRequest, DeleteSigningCertificateRequest,
} from '../generated/types.ts';
import { ServiceError } from '../../../../core/errors.ts';
import { BASE32 } from '../../../../core/resources/ids.ts';
import { limitExceeded, noSuchEntity } from '../errors.ts';
import { targetUser } from '../lookup.ts';
import { page } from '../paging.ts';
import { parseCertificate } from '../certificates.ts';
import type { Ctx, EntityRow, UserCredentialRow } from '../store.ts';

const CERTS_PER_USER = 2;

const certNotFound = (id: string) => noSuchEntity(`The Certificate with id ${id} cannot be found.`);

/** A signing certificate id: 24 upper-case letters and digits, as IAM's are. */
function certificateId(): string {
  return [...randomBytes(24)].map((b) => BASE32[b & 31]).join('');
}

function certShape(user: EntityRow, row: UserCredentialRow) {
  return { UserName: user.name, CertificateId: row.id, CertificateBody: row.body, Status: row.status, UploadDate: new Date(row.uploaded) };
}

export async function uploadSigningCertificate(input: UploadSigningCertificateRequest, ctx: Ctx): Promise<UploadSigningCertificateResponse> {
  const cert = parseCertificate(input.CertificateBody);
  if (cert.validToDate.getTime() < ctx.clock.now()) {
    throw new ServiceError('CertificateNotValid', 'The certificate is expired.', 400);
  }
  return await ctx.state.unit(async () => {
    const user = await targetUser(ctx, input.UserName);
    const certs = await ctx.state.userCredentials(user.id, 'signing-cert');
    // The same certificate may belong to one user of the account only.
    for (const u of await ctx.state.entities(ctx.account, 'user')) {
      if ((await ctx.state.userCredentials(u.id, 'signing-cert')).some((c) => c.fingerprint === cert.fingerprint256)) {
        throw new ServiceError('DuplicateCertificate', 'The request was rejected because the same certificate is associated with an IAM user in the account.', 409);
      }
    }
    if (certs.length >= CERTS_PER_USER) throw limitExceeded(`Cannot exceed quota for SigningCertificatesPerUser: ${CERTS_PER_USER}`);
    const row: UserCredentialRow = {
      id: certificateId(), user_id: user.id, kind: 'signing-cert', body: input.CertificateBody, fingerprint: cert.fingerprint256, status: 'Active', uploaded: ctx.clock.now(),
    };
    await ctx.state.insertUserCredential(row);
    return { Certificate: certShape(user, row) };
  });
}

async function usersCert(ctx: Ctx, user: EntityRow, id: string): Promise<UserCredentialRow> {
  const row = await ctx.state.userCredential(id);
  if (!row || row.kind !== 'signing-cert' || row.user_id !== user.id) throw certNotFound(id);
  return row;
}

export async function listSigningCertificates(input: ListSigningCertificatesRequest, ctx: Ctx): Promise<ListSigningCertificatesResponse> {
  const user = await targetUser(ctx, input.UserName);
  const certs = await ctx.state.userCredentials(user.id, 'signing-cert');
  const p = await page(ctx, certs, (c) => String(c.uploaded).padStart(15, '0') + c.id, input, user.id);
  return { Certificates: p.items.map((c) => certShape(user, c)), IsTruncated: p.IsTruncated, Marker: p.Marker };
}

export async function updateSigningCertificate(input: UpdateSigningCertificateRequest, ctx: Ctx): Promise<void> {
  await ctx.state.unit(async () => {
    const user = await targetUser(ctx, input.UserName);
    await ctx.state.setUserCredentialStatus((await usersCert(ctx, user, input.CertificateId)).id, input.Status);
  });
}

export async function deleteSigningCertificate(input: DeleteSigningCertificateRequest, ctx: Ctx): Promise<void> {
  await ctx.state.unit(async () => {
    const user = await targetUser(ctx, input.UserName);
    await ctx.state.deleteUserCredential((await usersCert(ctx, user, input.CertificateId)).id);
  });
}
