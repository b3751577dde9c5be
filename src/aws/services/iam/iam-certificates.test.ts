// Users' SSH public keys and signing certificates, and server certificates: uploaded through the AWS
// CLI and boto3, with IAM's fingerprints, encodings, quotas, expirations and refusals.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { startFogbank, type TestFogbank } from '../../../testing/index.ts';
import { awsCliClients, aws } from '../../../../test/support/clients.ts';
import { boto3 } from './boto3.test-support.ts';
import { CERT_A, CERT_A_NOT_AFTER, CERT_B, KEY_A, KEY_B } from './certificates.test-support.ts';

let fb: TestFogbank;
before(async () => {
  fb = await startFogbank();
});
after(() => fb.stop());
beforeEach(() => fb.reset());

/** An RSA key in OpenSSH's one-line form and PEM, and its MD5 fingerprint as `ssh-keygen -l -E md5` prints it. */
function rsaKey(bits = 2048) {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  const jwk = publicKey.export({ format: 'jwk' });
  const str = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, (b.length >> 8) & 0xff, b.length & 0xff]), b]);
  const mpint = (b64url: string) => {
    const b = Buffer.from(b64url, 'base64url');
    return str(b[0] & 0x80 ? Buffer.concat([Buffer.from([0]), b]) : b);
  };
  const blob = Buffer.concat([str(Buffer.from('ssh-rsa')), mpint(jwk.e!), mpint(jwk.n!)]);
  return {
    openssh: `ssh-rsa ${blob.toString('base64')} dev@laptop`,
    pem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    fingerprint: createHash('md5').update(blob).digest('hex').match(/../g)!.join(':'),
    base64: blob.toString('base64'),
  };
}

test('SSH public keys through the AWS CLI: upload either encoding, fingerprint, get as SSH or PEM, status, quota of five', async () => {
  const cli = awsCliClients()[0];
  assert.ok(cli, 'the AWS CLI is installed');
  const run = async (args: string[]) => {
    const r = await aws(cli, fb.endpoint, ['iam', ...args]);
    return { code: r.code, out: r.code === 0 ? JSON.parse(r.stdout || '{}') : undefined, err: r.stderr };
  };
  const ok = async (args: string[]) => {
    const r = await run(args);
    assert.equal(r.code, 0, r.err);
    return r.out;
  };
  await ok(['create-user', '--user-name', 'dev']);
  const k1 = rsaKey();
  const up = (await ok(['upload-ssh-public-key', '--user-name', 'dev', '--ssh-public-key-body', k1.openssh])).SSHPublicKey;
  assert.match(up.SSHPublicKeyId, /^APKA[A-Z2-7]{17}$/);
  assert.equal(up.Fingerprint, k1.fingerprint);
  assert.equal(up.Status, 'Active');
  assert.equal(up.UserName, 'dev');

  const asPem = (await ok(['get-ssh-public-key', '--user-name', 'dev', '--ssh-public-key-id', up.SSHPublicKeyId, '--encoding', 'PEM'])).SSHPublicKey;
  assert.equal(asPem.SSHPublicKeyBody.trim(), k1.pem.trim());
  const asSsh = (await ok(['get-ssh-public-key', '--user-name', 'dev', '--ssh-public-key-id', up.SSHPublicKeyId, '--encoding', 'SSH'])).SSHPublicKey;
  assert.equal(asSsh.SSHPublicKeyBody, `ssh-rsa ${k1.base64}`);

  // The same key uploaded as PEM is the same key: same fingerprint, refused as a duplicate.
  const dup = await run(['upload-ssh-public-key', '--user-name', 'dev', '--ssh-public-key-body', k1.pem]);
  assert.notEqual(dup.code, 0);
  assert.match(dup.err, /DuplicateSSHPublicKey/);
  const k2 = rsaKey();
  const fromPem = (await ok(['upload-ssh-public-key', '--user-name', 'dev', '--ssh-public-key-body', k2.pem])).SSHPublicKey;
  assert.equal(fromPem.Fingerprint, k2.fingerprint);

  const bad = await run(['upload-ssh-public-key', '--user-name', 'dev', '--ssh-public-key-body', 'ssh-rsa bm90IGEga2V5']);
  assert.match(bad.err, /InvalidPublicKey.*The request was rejected because the public key is malformed or otherwise invalid\./);
  const short = await run(['upload-ssh-public-key', '--user-name', 'dev', '--ssh-public-key-body', rsaKey(1024).openssh]);
  assert.match(short.err, /InvalidPublicKey/, 'IAM takes RSA keys of 2048 bits or more');

  await ok(['update-ssh-public-key', '--user-name', 'dev', '--ssh-public-key-id', up.SSHPublicKeyId, '--status', 'Inactive']);
  const listed = (await ok(['list-ssh-public-keys', '--user-name', 'dev'])).SSHPublicKeys;
  assert.deepEqual(listed.map((k: any) => [k.SSHPublicKeyId, k.Status]), [[up.SSHPublicKeyId, 'Inactive'], [fromPem.SSHPublicKeyId, 'Active']]);

  for (let i = 0; i < 3; i++) await ok(['upload-ssh-public-key', '--user-name', 'dev', '--ssh-public-key-body', rsaKey().openssh]);
  const sixth = await run(['upload-ssh-public-key', '--user-name', 'dev', '--ssh-public-key-body', rsaKey().openssh]);
  assert.match(sixth.err, /LimitExceeded.*Cannot exceed quota for PublicKeysPerUser: 5/);

  const del = await run(['delete-user', '--user-name', 'dev']);
  assert.match(del.err, /DeleteConflict.*Cannot delete entity, must delete SSH public keys first\./);
  await ok(['delete-ssh-public-key', '--user-name', 'dev', '--ssh-public-key-id', up.SSHPublicKeyId]);
  const gone = await run(['get-ssh-public-key', '--user-name', 'dev', '--ssh-public-key-id', up.SSHPublicKeyId, '--encoding', 'SSH']);
  assert.match(gone.err, new RegExp(`NoSuchEntity.*The Public Key with id ${up.SSHPublicKeyId} cannot be found\\.`));
});

test('signing certificates through boto3: upload, two per user, one owner per certificate, status, malformed PEM', async () => {
  const out = await boto3(fb.endpoint, `
c.create_user(UserName='a'); c.create_user(UserName='b')
cert = c.upload_signing_certificate(UserName='a', CertificateBody=os.environ['CERT_A'])['Certificate']
out['cert'] = cert
out['sameElsewhere'] = err(c.upload_signing_certificate, UserName='b', CertificateBody=os.environ['CERT_A'])
c.upload_signing_certificate(UserName='a', CertificateBody=os.environ['CERT_B'])
out['third'] = err(c.upload_signing_certificate, UserName='b', CertificateBody='-----BEGIN CERTIFICATE-----\\nnope\\n-----END CERTIFICATE-----')
c.update_signing_certificate(UserName='a', CertificateId=cert['CertificateId'], Status='Inactive')
out['listed'] = [[x['CertificateId'], x['Status']] for x in c.list_signing_certificates(UserName='a')['Certificates']]
out['otherUsers'] = err(c.delete_signing_certificate, UserName='b', CertificateId=cert['CertificateId'])
out['deleteUser'] = err(c.delete_user, UserName='a')
c.delete_signing_certificate(UserName='a', CertificateId=cert['CertificateId'])
out['afterDelete'] = len(c.list_signing_certificates(UserName='a')['Certificates'])
`, { CERT_A, CERT_B });
  assert.equal(out.cert.UserName, 'a');
  assert.equal(out.cert.Status, 'Active');
  assert.match(out.cert.CertificateId, /^[A-Z2-7]{24}$/);
  assert.equal(out.cert.CertificateBody, CERT_A);
  assert.deepEqual(out.sameElsewhere, [409, 'DuplicateCertificate', 'The request was rejected because the same certificate is associated with an IAM user in the account.']);
  assert.deepEqual(out.third, [400, 'MalformedCertificate', 'Unable to parse certificate. Please ensure the certificate is in PEM format.']);
  assert.equal(out.listed.length, 2);
  assert.deepEqual(out.listed[0], [out.cert.CertificateId, 'Inactive']);
  assert.deepEqual(out.otherUsers, [404, 'NoSuchEntity', `The Certificate with id ${out.cert.CertificateId} cannot be found.`]);
  assert.deepEqual(out.deleteUser, [409, 'DeleteConflict', 'Cannot delete entity, must delete signing certificates first.']);
  assert.equal(out.afterDelete, 1);
});

test('server certificates through boto3: key must match, expiration from the certificate, path, rename, tags', async () => {
  const out = await boto3(fb.endpoint, `
m = c.upload_server_certificate(ServerCertificateName='web', Path='/cloudfront/', CertificateBody=os.environ['CERT_A'], PrivateKey=os.environ['KEY_A'],
    CertificateChain=os.environ['CERT_B'], Tags=[{'Key': 'site', 'Value': 'www'}])
out['uploaded'] = m
out['mismatch'] = err(c.upload_server_certificate, ServerCertificateName='other', CertificateBody=os.environ['CERT_A'], PrivateKey=os.environ['KEY_B'])
out['badKey'] = err(c.upload_server_certificate, ServerCertificateName='other', CertificateBody=os.environ['CERT_A'], PrivateKey='not a key')
out['dup'] = err(c.upload_server_certificate, ServerCertificateName='WEB', CertificateBody=os.environ['CERT_B'], PrivateKey=os.environ['KEY_B'])
g = c.get_server_certificate(ServerCertificateName='web')['ServerCertificate']
out['got'] = [g['CertificateBody'] == os.environ['CERT_A'].strip(), g['CertificateChain'] == os.environ['CERT_B'].strip(), g['Tags'], 'PrivateKey' in g]
c.upload_server_certificate(ServerCertificateName='api', CertificateBody=os.environ['CERT_B'], PrivateKey=os.environ['KEY_B'])
out['byPath'] = [x['ServerCertificateName'] for x in c.list_server_certificates(PathPrefix='/cloudfront/')['ServerCertificateMetadataList']]
out['all'] = [x['ServerCertificateName'] for x in c.list_server_certificates()['ServerCertificateMetadataList']]
out['renameTaken'] = err(c.update_server_certificate, ServerCertificateName='web', NewServerCertificateName='api')
c.update_server_certificate(ServerCertificateName='web', NewServerCertificateName='www', NewPath='/elb/')
out['renamed'] = c.get_server_certificate(ServerCertificateName='www')['ServerCertificate']['ServerCertificateMetadata']
out['oldName'] = err(c.get_server_certificate, ServerCertificateName='web')
c.tag_server_certificate(ServerCertificateName='www', Tags=[{'Key': 'team', 'Value': 'edge'}])
c.untag_server_certificate(ServerCertificateName='www', TagKeys=['site'])
out['tags'] = c.list_server_certificate_tags(ServerCertificateName='www')['Tags']
out['summary'] = c.get_account_summary()['SummaryMap']['ServerCertificates']
c.delete_server_certificate(ServerCertificateName='www')
out['deleteAgain'] = err(c.delete_server_certificate, ServerCertificateName='www')
`, { CERT_A, CERT_B, KEY_A, KEY_B });
  const meta = out.uploaded.ServerCertificateMetadata;
  assert.equal(meta.Arn, 'arn:aws:iam::000000000000:server-certificate/cloudfront/web');
  assert.match(meta.ServerCertificateId, /^ASCA[A-Z2-7]{17}$/);
  assert.equal(new Date(meta.Expiration).getTime(), new Date(CERT_A_NOT_AFTER).getTime(), 'the certificate\'s notAfter');
  assert.deepEqual(out.uploaded.Tags, [{ Key: 'site', Value: 'www' }]);
  assert.deepEqual(out.mismatch, [400, 'KeyPairMismatch', 'The public key certificate and the private key do not match.']);
  assert.equal(out.badKey[1], 'MalformedCertificate');
  assert.deepEqual(out.dup, [409, 'EntityAlreadyExists', 'The Server Certificate with name WEB already exists.']);
  assert.deepEqual(out.got, [true, true, [{ Key: 'site', Value: 'www' }], false]);
  assert.deepEqual(out.byPath, ['web']);
  assert.deepEqual(out.all, ['api', 'web']);
  assert.deepEqual(out.renameTaken, [409, 'EntityAlreadyExists', 'The Server Certificate with name api already exists.']);
  assert.equal(out.renamed.Arn, 'arn:aws:iam::000000000000:server-certificate/elb/www');
  assert.equal(out.renamed.ServerCertificateId, meta.ServerCertificateId, 'a rename keeps the id');
  assert.deepEqual(out.oldName, [404, 'NoSuchEntity', 'The Server Certificate with name web cannot be found.']);
  assert.deepEqual(out.tags, [{ Key: 'team', Value: 'edge' }]);
  assert.equal(out.summary, 2);
  assert.deepEqual(out.deleteAgain, [404, 'NoSuchEntity', 'The Server Certificate with name www cannot be found.']);
});
