// OIDC and SAML identity providers through boto3: ARNs, the issuer URL and its audiences and
// thumbprints, SAML metadata with its validUntil, tags, and IAM's refusals.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startFogbank, type TestFogbank } from '../../../testing/index.ts';
import { boto3 } from './boto3.test-support.ts';
import { CERT_A } from './certificates.test-support.ts';

let fb: TestFogbank;
before(async () => {
  fb = await startFogbank();
});
after(() => fb.stop());
beforeEach(() => fb.reset());

const THUMB_1 = '9e99a48a9960b14926bb7f3b02e22da2b0ab7280';
const THUMB_2 = 'a'.repeat(40);

test('OIDC providers: create, add and remove audiences, thumbprints, tags, list, delete', async () => {
  const out = await boto3(fb.endpoint, `
arn = c.create_open_id_connect_provider(Url='https://token.actions.githubusercontent.com', ClientIDList=['sts.amazonaws.com'],
    ThumbprintList=['${THUMB_1}'], Tags=[{'Key': 'ci', 'Value': 'github'}])['OpenIDConnectProviderArn']
out['arn'] = arn
out['dup'] = err(c.create_open_id_connect_provider, Url='https://token.actions.githubusercontent.com', ThumbprintList=['${THUMB_1}'])
out['http'] = err(c.create_open_id_connect_provider, Url='http://insecure.example.com', ThumbprintList=['${THUMB_1}'])
out['sixThumbs'] = err(c.create_open_id_connect_provider, Url='https://many.example.com', ThumbprintList=['${THUMB_1}'] * 6)
withPath = c.create_open_id_connect_provider(Url='https://oidc.eks.us-east-1.amazonaws.com/id/ABC123', ThumbprintList=['${THUMB_2}'])['OpenIDConnectProviderArn']
out['withPath'] = withPath
c.add_client_id_to_open_id_connect_provider(OpenIDConnectProviderArn=arn, ClientID='my-app')
c.add_client_id_to_open_id_connect_provider(OpenIDConnectProviderArn=arn, ClientID='my-app')
c.remove_client_id_from_open_id_connect_provider(OpenIDConnectProviderArn=arn, ClientID='sts.amazonaws.com')
c.remove_client_id_from_open_id_connect_provider(OpenIDConnectProviderArn=arn, ClientID='never-added')
c.update_open_id_connect_provider_thumbprint(OpenIDConnectProviderArn=arn, ThumbprintList=['${THUMB_2}', '${THUMB_1}'])
g = c.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
out['got'] = [g['Url'], g['ClientIDList'], g['ThumbprintList'], g['Tags']]
out['listed'] = sorted(x['Arn'] for x in c.list_open_id_connect_providers()['OpenIDConnectProviderList'])
c.tag_open_id_connect_provider(OpenIDConnectProviderArn=arn, Tags=[{'Key': 'team', 'Value': 'platform'}])
c.untag_open_id_connect_provider(OpenIDConnectProviderArn=arn, TagKeys=['CI'])
out['tags'] = c.list_open_id_connect_provider_tags(OpenIDConnectProviderArn=arn)['Tags']
out['summary'] = c.get_account_summary()['SummaryMap']['Providers']
c.delete_open_id_connect_provider(OpenIDConnectProviderArn=arn)
out['gone'] = err(c.get_open_id_connect_provider, OpenIDConnectProviderArn=arn)
out['deleteAgain'] = err(c.delete_open_id_connect_provider, OpenIDConnectProviderArn=arn)
`);
  assert.equal(out.arn, 'arn:aws:iam::000000000000:oidc-provider/token.actions.githubusercontent.com');
  assert.deepEqual(out.dup, [409, 'EntityAlreadyExists', 'Provider with url https://token.actions.githubusercontent.com already exists.']);
  assert.deepEqual(out.http, [400, 'ValidationError', 'Invalid Open ID Connect Provider URL']);
  assert.deepEqual(out.sixThumbs, [400, 'InvalidInput', 'Thumbprint list must contain fewer than 5 entries.']);
  assert.equal(out.withPath, 'arn:aws:iam::000000000000:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC123');
  assert.deepEqual(out.got, ['token.actions.githubusercontent.com', ['my-app'], [THUMB_2, THUMB_1], [{ Key: 'ci', Value: 'github' }]]);
  assert.deepEqual(out.listed, [out.arn, out.withPath].sort());
  assert.deepEqual(out.tags, [{ Key: 'team', Value: 'platform' }]);
  assert.equal(out.summary, 2);
  assert.deepEqual(out.gone, [404, 'NoSuchEntity', `OpenIDConnect Provider not found for arn ${out.arn}`]);
  assert.equal(out.deleteAgain[1], 'NoSuchEntity');
});

/** IdP metadata as an IdP exports it (an EntityDescriptor with an IDPSSODescriptor and its signing key). */
function metadata(validUntil?: string): string {
  const cert = CERT_A.replace(/-----[A-Z ]+-----|\s/g, '');
  return `<?xml version="1.0" encoding="UTF-8"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp.example.com/saml"${validUntil ? ` validUntil="${validUntil}"` : ''}>
  <md:IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing">
      <ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>${cert}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>
    </md:KeyDescriptor>
    <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.com/sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>`;
}

test('SAML providers: create with metadata, validUntil, update, list, tags, delete', async () => {
  const out = await boto3(fb.endpoint, `
arn = c.create_saml_provider(Name='Okta', SAMLMetadataDocument=os.environ['META_2030'], Tags=[{'Key': 'idp', 'Value': 'okta'}])['SAMLProviderArn']
out['arn'] = arn
out['dup'] = err(c.create_saml_provider, Name='Okta', SAMLMetadataDocument=os.environ['META_2030'])
out['notMetadata'] = err(c.create_saml_provider, Name='Bad', SAMLMetadataDocument='<html>' + 'x' * 1000 + '</html>')
g = c.get_saml_provider(SAMLProviderArn=arn)
out['got'] = [g['SAMLMetadataDocument'] == os.environ['META_2030'], g['ValidUntil'], g['Tags']]
out['updated'] = c.update_saml_provider(SAMLProviderArn=arn, SAMLMetadataDocument=os.environ['META_2040'])['SAMLProviderArn']
out['listed'] = [[x['Arn'], x['ValidUntil']] for x in c.list_saml_providers()['SAMLProviderList']]
c.tag_saml_provider(SAMLProviderArn=arn, Tags=[{'Key': 'env', 'Value': 'prod'}])
c.untag_saml_provider(SAMLProviderArn=arn, TagKeys=['idp'])
out['tags'] = c.list_saml_provider_tags(SAMLProviderArn=arn)['Tags']
c.delete_saml_provider(SAMLProviderArn=arn)
out['gone'] = err(c.get_saml_provider, SAMLProviderArn=arn)
`, { META_2030: metadata('2030-01-01T00:00:00Z'), META_2040: metadata('2040-06-01T12:00:00Z') });
  assert.equal(out.arn, 'arn:aws:iam::000000000000:saml-provider/Okta');
  assert.deepEqual(out.dup, [409, 'EntityAlreadyExists', 'SAMLProvider Okta already exists']);
  assert.deepEqual(out.notMetadata, [400, 'InvalidInput', 'Could not parse metadata']);
  assert.equal(out.got[0], true);
  assert.equal(new Date(out.got[1]).toISOString(), '2030-01-01T00:00:00.000Z', 'ValidUntil is the metadata\'s validUntil');
  assert.deepEqual(out.got[2], [{ Key: 'idp', Value: 'okta' }]);
  assert.equal(out.updated, out.arn);
  assert.deepEqual(out.listed.map((l: string[]) => [l[0], new Date(l[1]).toISOString()]), [[out.arn, '2040-06-01T12:00:00.000Z']]);
  assert.deepEqual(out.tags, [{ Key: 'env', Value: 'prod' }]);
  assert.deepEqual(out.gone, [404, 'NoSuchEntity', `Manifest not found for arn ${out.arn}`]);
});
