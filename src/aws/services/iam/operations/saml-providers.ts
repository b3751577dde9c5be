// SAML 2.0 identity providers (what AssumeRoleWithSAML trusts): a name, the IdP's metadata document as
// uploaded, and the validity it declares (its EntityDescriptor's validUntil).
import type {
  CreateSAMLProviderRequest, CreateSAMLProviderResponse, GetSAMLProviderRequest, GetSAMLProviderResponse, ListSAMLProvidersResponse,
  UpdateSAMLProviderRequest, UpdateSAMLProviderResponse, DeleteSAMLProviderRequest,
} from '../generated/types.ts';
import { formatArn } from '../../../../core/resources/arn.ts';
import { entityAlreadyExists, invalidInput, limitExceeded, noSuchEntity } from '../errors.ts';
import { checkTagRequest } from '../tagging.ts';
import { resourceTagging, tagsOrUndefined } from './resource-tags.ts';
import type { Ctx, ProviderRow } from '../store.ts';

const PROVIDERS_PER_ACCOUNT = 100;
/** When the metadata declares no validUntil, IAM's provider stays valid this long (100 years). */
const DEFAULT_VALIDITY_MS = 100 * 365.25 * 24 * 3600 * 1000;

const notFound = (arn: string) => noSuchEntity(`Manifest not found for arn ${arn}`);

/**
 * Checks the document is SAML metadata (an md:EntityDescriptor with an IdP role) and reads its
 * validUntil. IAM's InvalidInput when it is not.
 */
function readMetadata(doc: string, now: number): number {
  const root = /<(?:[\w-]+:)?EntityDescriptor\b([^>]*)>/.exec(doc);
  if (!root || !/<(?:[\w-]+:)?IDPSSODescriptor\b/.test(doc)) throw invalidInput('Could not parse metadata');
  const until = /\svalidUntil\s*=\s*"([^"]+)"/.exec(root[1]);
  if (!until) return now + DEFAULT_VALIDITY_MS;
  const t = Date.parse(until[1]);
  if (Number.isNaN(t)) throw invalidInput('Could not parse metadata');
  return t;
}

async function requireProvider(ctx: Ctx, arn: string): Promise<ProviderRow> {
  const row = await ctx.state.provider(arn, 'saml');
  if (!row || row.account !== ctx.account) throw notFound(arn);
  return row;
}

export async function createSAMLProvider(input: CreateSAMLProviderRequest, ctx: Ctx): Promise<CreateSAMLProviderResponse> {
  checkTagRequest(input.Tags);
  const now = ctx.clock.now();
  const validUntil = readMetadata(input.SAMLMetadataDocument, now);
  const arn = formatArn({ service: 'iam', account: ctx.account, resource: `saml-provider/${input.Name}` });
  const tags = input.Tags?.map((t) => ({ Key: t.Key, Value: t.Value ?? '' })) ?? [];
  await ctx.state.unit(async () => {
    if ((await ctx.state.providers(ctx.account, 'saml')).length >= PROVIDERS_PER_ACCOUNT) {
      throw limitExceeded(`Cannot exceed quota for SamlProvidersPerAccount: ${PROVIDERS_PER_ACCOUNT}`);
    }
    const inserted = await ctx.state.insertProvider({
      account: ctx.account, arn, kind: 'saml', config: input.SAMLMetadataDocument, valid_until: validUntil, created: now, tags: JSON.stringify(tags),
    });
    if (!inserted) throw entityAlreadyExists(`SAMLProvider ${input.Name} already exists`);
  });
  return { SAMLProviderArn: arn, Tags: tags.length ? tags : undefined };
}

export async function getSAMLProvider(input: GetSAMLProviderRequest, ctx: Ctx): Promise<GetSAMLProviderResponse> {
  const row = await requireProvider(ctx, input.SAMLProviderArn);
  return { SAMLMetadataDocument: row.config, CreateDate: new Date(row.created), ValidUntil: new Date(row.valid_until!), Tags: tagsOrUndefined(row.tags) };
}

export async function listSAMLProviders(_input: unknown, ctx: Ctx): Promise<ListSAMLProvidersResponse> {
  const rows = await ctx.state.providers(ctx.account, 'saml');
  return { SAMLProviderList: rows.map((r) => ({ Arn: r.arn, ValidUntil: new Date(r.valid_until!), CreateDate: new Date(r.created) })) };
}

export async function updateSAMLProvider(input: UpdateSAMLProviderRequest, ctx: Ctx): Promise<UpdateSAMLProviderResponse> {
  const validUntil = readMetadata(input.SAMLMetadataDocument, ctx.clock.now());
  await ctx.state.unit(async () => {
    await requireProvider(ctx, input.SAMLProviderArn);
    await ctx.state.updateProvider(input.SAMLProviderArn, { config: input.SAMLMetadataDocument, valid_until: validUntil });
  });
  return { SAMLProviderArn: input.SAMLProviderArn };
}

export async function deleteSAMLProvider(input: DeleteSAMLProviderRequest, ctx: Ctx): Promise<void> {
  await ctx.state.unit(async () => {
    await requireProvider(ctx, input.SAMLProviderArn);
    await ctx.state.deleteProvider(input.SAMLProviderArn);
  });
}

const tagging = resourceTagging<{ SAMLProviderArn: string }>({
  find: async (ctx, input) => {
    const row = await requireProvider(ctx, input.SAMLProviderArn);
    return { key: row.arn, tags: row.tags };
  },
  save: (ctx, arn, tags) => ctx.state.updateProvider(arn, { tags }),
  quota: 'TagsPerSamlProvider',
});

export const tagSAMLProvider = tagging.tag;
export const untagSAMLProvider = tagging.untag;
export const listSAMLProviderTags = tagging.list;
