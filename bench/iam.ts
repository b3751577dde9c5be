// Micro-benchmark of the policy engine: evaluations per second for a typical request (a role session
// reading an S3 object) against five compiled policies — two identity policies, a permissions
// boundary, a bucket policy and an SCP — with the conditions real policies carry. Prints figures; not
// a test. Run: node bench/iam.ts
import { compilePolicy, evaluate } from '../src/core/iam/index.ts';
import type { AuthorizationRequest } from '../src/core/iam/index.ts';

const ACCT = '111122223333';
const doc = (statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });

const texts = {
  app: doc([
    { Sid: 'ReadData', Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjectVersion', 's3:ListBucket'], Resource: ['arn:aws:s3:::data-*', 'arn:aws:s3:::data-*/*'] },
    { Sid: 'WriteOwn', Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::data-*/home/${aws:PrincipalTag/team}/*' },
    { Sid: 'Queues', Effect: 'Allow', Action: ['sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:DeleteMessage'], Resource: `arn:aws:sqs:*:${ACCT}:app-*` },
    { Sid: 'Logs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: `arn:aws:logs:*:${ACCT}:log-group:/aws/lambda/*` },
    { Sid: 'NoSecrets', Effect: 'Deny', Action: 's3:*', Resource: 'arn:aws:s3:::data-*/secret/*' },
  ]),
  readOnly: doc([{ Effect: 'Allow', Action: ['cloudwatch:Describe*', 'cloudwatch:Get*', 'cloudwatch:List*', 'dynamodb:BatchGetItem', 'dynamodb:Describe*', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan', 'ec2:Describe*', 'iam:Get*', 'iam:List*', 'lambda:Get*', 'lambda:List*', 'sns:Get*', 'sns:List*', 'sqs:Get*', 'sqs:List*'], Resource: '*' }]),
  boundary: doc([
    { Effect: 'Allow', Action: ['s3:*', 'sqs:*', 'logs:*', 'dynamodb:*'], Resource: '*' },
    { Effect: 'Deny', Action: '*', Resource: '*', Condition: { StringNotEquals: { 'aws:RequestedRegion': ['us-east-1', 'eu-west-1'] } } },
  ]),
  bucket: doc([
    { Sid: 'TLSOnly', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: ['arn:aws:s3:::data-prod', 'arn:aws:s3:::data-prod/*'], Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
    { Sid: 'OfficeOnly', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: 'arn:aws:s3:::data-prod/*', Condition: { NotIpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '192.0.2.0/24'] }, Null: { 'aws:SourceVpce': 'true' } } },
    { Sid: 'Readers', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCT}:role/reader` }, Action: ['s3:GetObject', 's3:ListBucket'], Resource: ['arn:aws:s3:::data-prod', 'arn:aws:s3:::data-prod/*'] },
  ]),
  scp: doc([
    { Effect: 'Allow', Action: '*', Resource: '*' },
    { Effect: 'Deny', Action: ['organizations:LeaveOrganization', 'iam:CreateUser'], Resource: '*' },
  ]),
};

const request: AuthorizationRequest = {
  principal: { type: 'role-session', arn: `arn:aws:sts::${ACCT}:assumed-role/app/i-0abc`, account: ACCT, roleArn: `arn:aws:iam::${ACCT}:role/app`, hasBoundary: true },
  action: 's3:GetObject',
  resource: 'arn:aws:s3:::data-prod/reports/2026/12/07.csv',
  context: {
    'aws:SourceIp': '10.1.2.3',
    'aws:SecureTransport': true,
    'aws:CurrentTime': '2026-12-07T19:00:00Z',
    'aws:RequestedRegion': 'us-east-1',
    'aws:PrincipalTag/team': 'analytics',
    'aws:PrincipalArn': `arn:aws:iam::${ACCT}:role/app`,
    'aws:PrincipalAccount': ACCT,
    's3:prefix': 'reports/',
  },
  identityPolicies: [
    { id: 'inline:app/app', policy: compilePolicy(texts.app, 'identity') },
    { id: 'arn:aws:iam::aws:policy/ReadOnlyAccess', policy: compilePolicy(texts.readOnly, 'identity') },
  ],
  boundary: { id: 'arn:aws:iam::111122223333:policy/boundary', policy: compilePolicy(texts.boundary, 'boundary') },
  resourcePolicies: [{ id: 'bucket-policy:data-prod', policy: compilePolicy(texts.bucket, 'resource') }],
  scps: [[{ id: 'p-FullAWSAccess+guard', policy: compilePolicy(texts.scp, 'scp') }]],
};

function rate(label: string, run: () => void): void {
  for (let i = 0; i < 20_000; i++) run(); // warm up
  let best = 0;
  for (let round = 0; round < 5; round++) {
    let n = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < 200) for (let i = 0; i < 1000; i++, n++) run();
    best = Math.max(best, n / ((performance.now() - t0) / 1000));
  }
  console.log(`${label}: ${Math.round(best).toLocaleString('en')}/s (${(1e6 / best).toFixed(2)} µs each, best of 5)`);
}

const decision = evaluate(request);
console.log(`decision: ${decision.decision} — ${decision.reason}`);
rate('evaluate (5 policies, 13 statements, 8 context keys)', () => void evaluate(request));
rate('compilePolicy cache hit (5 documents)', () => {
  for (const [k, t] of Object.entries(texts)) compilePolicy(t, k === 'bucket' ? 'resource' : k === 'scp' ? 'scp' : k === 'boundary' ? 'boundary' : 'identity');
});
