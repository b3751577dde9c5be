// Server certificates (what CloudFront and load balancers once took from IAM): a certificate, its
// private key (checked to match, then not kept: IAM never returns it) and an optional chain, named per
// account, with a path, tags and the expiration read from the certificate.
import type {
  UploadServerCertificateRequest, UploadServerCertificateResponse, GetServerCertificateRequest, GetServerCertificateResponse,
  ListServerCertificatesRequest, ListServerCertificatesResponse, UpdateServerCertificateRequest, DeleteServerCertificateRequest,
} from '../generated/types.ts';
import { ServiceError } from '../../../../core/errors.ts';
import { formatArn } from '../../../../core/resources/arn.ts';
import { iamUniqueId } from '../../../../core/resources/ids.ts';
import { entityAlreadyExists, limitExceeded, noSuchEntity } from '../errors.ts';
import { byName, page } from '../paging.ts';
import { checkTagRequest } from '../tagging.ts';
import { parseCertificate, parseChain, parsePrivateKey } from '../certificates.ts';
import { resourceTagging, tagsOrUndefined } from './resource-tags.ts';
import type { Ctx, ServerCertRow } from '../store.ts';

/** IAM's default quota of server certificates per account. */
const CERTS_PER_ACCOUNT = 20;

const notFound = (name: string) => noSuchEntity(`The Server Certificate with name ${name} cannot be found.`);
const exists = (name: string) => entityAlreadyExists(`The Server Certificate with name ${name} already exists.`);

function metadata(row: ServerCertRow) {
  return {
    Path: row.path,
    ServerCertificateName: row.name,
    ServerCertificateId: row.id,
    Arn: formatArn({ service: 'iam', account: row.account, resource: `server-certificate${row.path}${row.name}` }),
    UploadDate: new Date(row.uploaded),
    Expiration: new Date(row.expiration),
  };
}

async function requireCert(ctx: Ctx, name: string): Promise<ServerCertRow> {
  const row = await ctx.state.serverCert(ctx.account, name);
  if (!row) throw notFound(name);
  return row;
}

export async function uploadServerCertificate(input: UploadServerCertificateRequest, ctx: Ctx): Promise<UploadServerCertificateResponse> {
  checkTagRequest(input.Tags);
  const cert = parseCertificate(input.CertificateBody);
  const key = parsePrivateKey(input.PrivateKey);
  if (!cert.checkPrivateKey(key)) throw new ServiceError('KeyPairMismatch', 'The public key certificate and the private key do not match.', 400);
  if (input.CertificateChain !== undefined) parseChain(input.CertificateChain);
  const tags = input.Tags?.map((t) => ({ Key: t.Key, Value: t.Value ?? '' })) ?? [];
  return await ctx.state.unit(async () => {
    if ((await ctx.state.serverCerts(ctx.account)).length >= CERTS_PER_ACCOUNT) {
      throw limitExceeded(`Cannot exceed quota for ServerCertificatesPerAccount: ${CERTS_PER_ACCOUNT}`);
    }
    const row: ServerCertRow = {
      account: ctx.account, name: input.ServerCertificateName, path: input.Path ?? '/', id: iamUniqueId('ASCA'), body: input.CertificateBody.trim(),
      chain: input.CertificateChain?.trim() ?? null, expiration: cert.validToDate.getTime(), uploaded: ctx.clock.now(), tags: JSON.stringify(tags),
    };
    if (!(await ctx.state.insertServerCert(row))) throw exists(input.ServerCertificateName);
    return { ServerCertificateMetadata: metadata(row), Tags: tags.length ? tags : undefined };
  });
}

export async function getServerCertificate(input: GetServerCertificateRequest, ctx: Ctx): Promise<GetServerCertificateResponse> {
  const row = await requireCert(ctx, input.ServerCertificateName);
  return {
    ServerCertificate: {
      ServerCertificateMetadata: metadata(row), CertificateBody: row.body, CertificateChain: row.chain ?? undefined, Tags: tagsOrUndefined(row.tags),
    },
  };
}

export async function listServerCertificates(input: ListServerCertificatesRequest, ctx: Ctx): Promise<ListServerCertificatesResponse> {
  const p = await page(ctx, await ctx.state.serverCerts(ctx.account, input.PathPrefix), (r) => byName(r.name), input, input.PathPrefix);
  return { ServerCertificateMetadataList: p.items.map(metadata), IsTruncated: p.IsTruncated, Marker: p.Marker };
}

export async function updateServerCertificate(input: UpdateServerCertificateRequest, ctx: Ctx): Promise<void> {
  await ctx.state.unit(async () => {
    const row = await requireCert(ctx, input.ServerCertificateName);
    const rename = input.NewServerCertificateName;
    if (rename !== undefined && rename.toLowerCase() !== row.name.toLowerCase() && (await ctx.state.serverCert(ctx.account, rename))) throw exists(rename);
    await ctx.state.updateServerCert(row.id, { name: rename, path: input.NewPath });
  });
}

export async function deleteServerCertificate(input: DeleteServerCertificateRequest, ctx: Ctx): Promise<void> {
  await ctx.state.unit(async () => {
    await ctx.state.deleteServerCert((await requireCert(ctx, input.ServerCertificateName)).id);
  });
}

const tagging = resourceTagging<{ ServerCertificateName: string }>({
  find: async (ctx, input) => {
    const row = await requireCert(ctx, input.ServerCertificateName);
    return { key: row.id, tags: row.tags };
  },
  save: (ctx, id, tags) => ctx.state.updateServerCert(id, { tags }),
  quota: 'TagsPerServerCertificate',
});

export const tagServerCertificate = tagging.tag;
export const untagServerCertificate = tagging.untag;
export const listServerCertificateTags = tagging.list;
