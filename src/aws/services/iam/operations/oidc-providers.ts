// OpenID Connect identity providers (what AssumeRoleWithWebIdentity trusts): one per issuer URL per
// account, named by `arn:aws:iam::<account>:oidc-provider/<host and path>`, with audiences (client
// ids), CA thumbprints and tags.
import type {
  CreateOpenIDConnectProviderRequest, CreateOpenIDConnectProviderResponse, GetOpenIDConnectProviderRequest, GetOpenIDConnectProviderResponse,
  ListOpenIDConnectProvidersResponse, AddClientIDToOpenIDConnectProviderRequest, RemoveClientIDFromOpenIDConnectProviderRequest,
  UpdateOpenIDConnectProviderThumbprintRequest, DeleteOpenIDConnectProviderRequest,
} from '../generated/types.ts';
import { formatArn } from '../../../../core/resources/arn.ts';
import { entityAlreadyExists, invalidInput, limitExceeded, noSuchEntity, validationError } from '../errors.ts';
import { checkTagRequest } from '../tagging.ts';
import { resourceTagging, tagsOrUndefined } from './resource-tags.ts';
import type { Ctx, ProviderRow } from '../store.ts';

interface OidcConfig {
  url: string;
  clientIds: string[];
  thumbprints: string[];
}

const MAX_THUMBPRINTS = 5;
const MAX_CLIENT_IDS = 100;
const PROVIDERS_PER_ACCOUNT = 100;

const notFound = (arn: string) => noSuchEntity(`OpenIDConnect Provider not found for arn ${arn}`);

/** The issuer without its scheme (IAM's Url and the ARN's resource); https only, no query or fragment. */
function issuerOf(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw validationError('Invalid Open ID Connect Provider URL');
  }
  if (u.protocol !== 'https:' || u.search || u.hash || u.username) throw validationError('Invalid Open ID Connect Provider URL');
  return `${u.host}${u.pathname === '/' ? '' : u.pathname.replace(/\/$/, '')}`;
}

function checkThumbprints(list: readonly string[]): void {
  if (list.length > MAX_THUMBPRINTS) throw invalidInput(`Thumbprint list must contain fewer than ${MAX_THUMBPRINTS} entries.`);
  for (const t of list) if (!/^[0-9a-fA-F]{40}$/.test(t)) throw validationError(`Thumbprint ${t} is not a valid SHA-1 thumbprint: 40 hexadecimal characters.`);
}

async function requireProvider(ctx: Ctx, arn: string): Promise<{ row: ProviderRow; config: OidcConfig }> {
  const row = await ctx.state.provider(arn, 'oidc');
  if (!row || row.account !== ctx.account) throw notFound(arn);
  return { row, config: JSON.parse(row.config) as OidcConfig };
}

export async function createOpenIDConnectProvider(input: CreateOpenIDConnectProviderRequest, ctx: Ctx): Promise<CreateOpenIDConnectProviderResponse> {
  checkTagRequest(input.Tags);
  const issuer = issuerOf(input.Url);
  const thumbprints = input.ThumbprintList ?? [];
  checkThumbprints(thumbprints);
  const clientIds = [...new Set(input.ClientIDList ?? [])];
  if (clientIds.length > MAX_CLIENT_IDS) throw limitExceeded(`Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: ${MAX_CLIENT_IDS}`);
  const arn = formatArn({ service: 'iam', account: ctx.account, resource: `oidc-provider/${issuer}` });
  const tags = input.Tags?.map((t) => ({ Key: t.Key, Value: t.Value ?? '' })) ?? [];
  await ctx.state.unit(async () => {
    if ((await ctx.state.providers(ctx.account, 'oidc')).length >= PROVIDERS_PER_ACCOUNT) {
      throw limitExceeded(`Cannot exceed quota for OpenIdConnectProvidersPerAccount: ${PROVIDERS_PER_ACCOUNT}`);
    }
    const config: OidcConfig = { url: issuer, clientIds, thumbprints };
    const inserted = await ctx.state.insertProvider({
      account: ctx.account, arn, kind: 'oidc', config: JSON.stringify(config), valid_until: null, created: ctx.clock.now(), tags: JSON.stringify(tags),
    });
    if (!inserted) throw entityAlreadyExists(`Provider with url ${input.Url} already exists.`);
  });
  return { OpenIDConnectProviderArn: arn, Tags: tags.length ? tags : undefined };
}

export async function getOpenIDConnectProvider(input: GetOpenIDConnectProviderRequest, ctx: Ctx): Promise<GetOpenIDConnectProviderResponse> {
  const { row, config } = await requireProvider(ctx, input.OpenIDConnectProviderArn);
  return { Url: config.url, ClientIDList: config.clientIds, ThumbprintList: config.thumbprints, CreateDate: new Date(row.created), Tags: tagsOrUndefined(row.tags) };
}

export async function listOpenIDConnectProviders(_input: unknown, ctx: Ctx): Promise<ListOpenIDConnectProvidersResponse> {
  return { OpenIDConnectProviderList: (await ctx.state.providers(ctx.account, 'oidc')).map((r) => ({ Arn: r.arn })) };
}

async function rewrite(ctx: Ctx, arn: string, change: (config: OidcConfig) => OidcConfig): Promise<void> {
  await ctx.state.unit(async () => {
    const { config } = await requireProvider(ctx, arn);
    await ctx.state.updateProvider(arn, { config: JSON.stringify(change(config)) });
  });
}

/** Adding a client id the provider has already is not an error. */
export async function addClientIDToOpenIDConnectProvider(input: AddClientIDToOpenIDConnectProviderRequest, ctx: Ctx): Promise<void> {
  await rewrite(ctx, input.OpenIDConnectProviderArn, (c) => {
    if (c.clientIds.includes(input.ClientID)) return c;
    if (c.clientIds.length >= MAX_CLIENT_IDS) throw limitExceeded(`Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: ${MAX_CLIENT_IDS}`);
    return { ...c, clientIds: [...c.clientIds, input.ClientID] };
  });
}

/** Removing a client id the provider does not have is not an error either. */
export async function removeClientIDFromOpenIDConnectProvider(input: RemoveClientIDFromOpenIDConnectProviderRequest, ctx: Ctx): Promise<void> {
  await rewrite(ctx, input.OpenIDConnectProviderArn, (c) => ({ ...c, clientIds: c.clientIds.filter((id) => id !== input.ClientID) }));
}

export async function updateOpenIDConnectProviderThumbprint(input: UpdateOpenIDConnectProviderThumbprintRequest, ctx: Ctx): Promise<void> {
  checkThumbprints(input.ThumbprintList);
  await rewrite(ctx, input.OpenIDConnectProviderArn, (c) => ({ ...c, thumbprints: input.ThumbprintList }));
}

export async function deleteOpenIDConnectProvider(input: DeleteOpenIDConnectProviderRequest, ctx: Ctx): Promise<void> {
  await ctx.state.unit(async () => {
    await requireProvider(ctx, input.OpenIDConnectProviderArn);
    await ctx.state.deleteProvider(input.OpenIDConnectProviderArn);
  });
}

const tagging = resourceTagging<{ OpenIDConnectProviderArn: string }>({
  find: async (ctx, input) => {
    const { row } = await requireProvider(ctx, input.OpenIDConnectProviderArn);
    return { key: row.arn, tags: row.tags };
  },
  save: (ctx, arn, tags) => ctx.state.updateProvider(arn, { tags }),
  quota: 'TagsPerOpenIdConnectProvider',
});

export const tagOpenIDConnectProvider = tagging.tag;
export const untagOpenIDConnectProvider = tagging.untag;
export const listOpenIDConnectProviderTags = tagging.list;
