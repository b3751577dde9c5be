// AWS Security Token Service: who the caller is, and temporary credentials that later resolve to the
// account and principal they were issued for.
import { readFileSync } from 'node:fs';
import { defineService } from '../../service.ts';
import type { ServiceModel } from '../../protocol/model.ts';
import type { StsHandlers } from './generated/types.ts';
import { assumeRole, assumeRoleWithSAML, assumeRoleWithWebIdentity, assumeRoot } from './operations/assume-role.ts';
import { getFederationToken, getSessionToken } from './operations/session.ts';
import { decodeAuthorizationMessage, getAccessKeyInfo, getCallerIdentity } from './operations/identity.ts';
import { getWebIdentityToken, jwksRoute } from './operations/web-identity-token.ts';
import { getDelegatedAccessToken } from './operations/delegated-access.ts';

const model: ServiceModel = JSON.parse(readFileSync(new URL('./generated/model.json', import.meta.url), 'utf8'));

export default defineService<StsHandlers>({
  name: 'sts',
  model,
  handlers: {
    AssumeRole: assumeRole,
    AssumeRoleWithSAML: assumeRoleWithSAML,
    AssumeRoleWithWebIdentity: assumeRoleWithWebIdentity,
    AssumeRoot: assumeRoot,
    DecodeAuthorizationMessage: decodeAuthorizationMessage,
    GetAccessKeyInfo: getAccessKeyInfo,
    GetCallerIdentity: getCallerIdentity,
    GetDelegatedAccessToken: getDelegatedAccessToken,
    GetFederationToken: getFederationToken,
    GetSessionToken: getSessionToken,
    GetWebIdentityToken: getWebIdentityToken,
  },
  admin: [jwksRoute],
});
