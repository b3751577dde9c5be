// `npm run new-service -- aws <name>`: starts a new AWS service the way every service is built
// (DESIGN.md §3): adds it to src/aws/catalog.ts, generates its model and handler types (npm run
// codegen), and writes src/aws/services/<name>/index.ts with no handlers yet plus a test through boto3
// that shows the service is routed. From there a service is data and handlers: write one operation at
// a time in operations/, register it in index.ts, and turn the test into a real one.
//
// `--model <stem>` picks the aws-sdk model file when the name alone does not find it (e.g.
// `--model email-2010-12-01` for SES); `--dry-run` prints what would be written and changes nothing.
// `gcp` is refused until the Google Cloud provider lands (issue 13): it has no service contract yet.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = process.env.FOGBANK_REPO_ROOT ?? join(dirname(fileURLToPath(import.meta.url)), '..');
const apis = join(root, 'node_modules/aws-sdk/apis');
const botocoreData = '/usr/lib/python3/dist-packages/botocore/data';

function fail(message: string): never {
  process.stderr.write(`new-service: ${message}\n`);
  process.exit(2);
}

const { values, positionals } = (() => {
  try {
    return parseArgs({ options: { model: { type: 'string' }, 'dry-run': { type: 'boolean' } }, allowPositionals: true, strict: true });
  } catch (err) {
    fail((err as Error).message);
  }
})();
const [cloud, name] = positionals;
if (!cloud || !name || positionals.length > 2) fail('usage: npm run new-service -- <aws|gcp> <name> [--model <aws-sdk model stem>] [--dry-run]');
if (cloud === 'gcp') fail('Google Cloud services are not scaffolded yet: the gcp provider (src/gcp/) gets its service contract with issue 13');
if (cloud !== 'aws') fail(`unknown cloud '${cloud}' (aws or gcp)`);
// The name becomes a folder, an import path and a catalog key: keep it to what AWS itself uses.
if (!/^[a-z][a-z0-9-]{1,40}$/.test(name)) fail(`'${name}' is not a service name (lower-case letters, digits and hyphens, as in the signing name: iam, kms, secretsmanager)`);

const catalogPath = join(root, 'src/aws/catalog.ts');
const catalog = readFileSync(catalogPath, 'utf8');
if (new RegExp(`name: '${name}'`).test(catalog)) fail(`${name} is already in src/aws/catalog.ts`);
const serviceDir = join(root, 'src/aws/services', name);
if (existsSync(serviceDir)) fail(`${relative(root, serviceDir)} already exists`);

interface ModelMetadata {
  endpointPrefix?: string;
  signingName?: string;
  serviceId?: string;
  protocol: string;
}

/** The newest aws-sdk model whose file stem, endpoint prefix or signing name is the service's name. */
function findModel(): string {
  const stems = readdirSync(apis).filter((f) => f.endsWith('.min.json')).map((f) => f.slice(0, -'.min.json'.length)).sort();
  if (values.model) {
    if (!stems.includes(values.model)) fail(`no model ${values.model} in aws-sdk/apis`);
    return values.model;
  }
  const byStem = stems.filter((s) => s.replace(/-\d{4}-\d{2}-\d{2}$/, '') === name);
  if (byStem.length) return byStem.at(-1)!;
  // botocore names services as their clients do (ses = SES v1, sesv2 = v2, though both sign as 'ses'):
  // its folder for the name gives the API version to look for.
  const botocoreVersions = existsSync(join(botocoreData, name)) ? readdirSync(join(botocoreData, name)).sort() : [];
  for (const version of botocoreVersions.reverse()) {
    const match = stems.find((s) => s.endsWith(`-${version}`) && [metadataOf(s).endpointPrefix, metadataOf(s).signingName].includes(name));
    if (match) return match;
  }
  const byMetadata = stems.filter((s) => {
    const m = metadataOf(s);
    return m.endpointPrefix === name || m.signingName === name;
  });
  if (byMetadata.length) return byMetadata.at(-1)!;
  fail(`no aws-sdk model for '${name}': pass --model <stem> (a file name in node_modules/aws-sdk/apis without .min.json)`);
}

function metadataOf(stem: string): ModelMetadata {
  return (JSON.parse(readFileSync(join(apis, `${stem}.min.json`), 'utf8')) as { metadata: ModelMetadata }).metadata;
}

const model = findModel();
const metadata = metadataOf(model);
// The v3 client carries the newest schema; codegen merges it in when the package is installed.
const v3Candidates = [name, metadata.serviceId?.toLowerCase().replaceAll(' ', '-')].filter(Boolean) as string[];
const v3Client = v3Candidates.map((c) => `@aws-sdk/client-${c}`).find((p) => existsSync(join(root, 'node_modules', p)));
// boto3 (Debian's, which CI installs) names the service by its botocore folder.
const botoName = [name, metadata.endpointPrefix, metadata.signingName].find((n) => n && existsSync(join(botocoreData, n)));

const entry = `  { name: '${name}', model: '${model}'${v3Client ? `, v3Client: '${v3Client}'` : ''} },\n`;
const updatedCatalog = catalog.replace(/\n\];\s*$/, `\n${entry}];\n`);
if (updatedCatalog === catalog) fail('could not find the end of awsCatalog in src/aws/catalog.ts');

if (values['dry-run']) {
  console.log(`would add to src/aws/catalog.ts:\n${entry}`);
  console.log(`would run npm run codegen, then write src/aws/services/${name}/index.ts and ${name}.test.ts`);
  console.log(`protocol ${metadata.protocol}; v3 client ${v3Client ?? 'not installed'}; boto3 name ${botoName ?? 'not in this botocore'}`);
  process.exit(0);
}

writeFileSync(catalogPath, updatedCatalog);
const codegen = spawnSync(process.execPath, [join(root, 'scripts/codegen.ts')], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
if (codegen.status !== 0) {
  writeFileSync(catalogPath, catalog);
  fail('codegen failed (see above); src/aws/catalog.ts is back as it was');
}

const types = readFileSync(join(serviceDir, 'generated/types.ts'), 'utf8');
const handlersType = /export type (\w+Handlers) = \{/.exec(types)?.[1];
if (!handlersType) fail(`generated/types.ts of ${name} has no Handlers type`);
const operations = Object.keys((JSON.parse(readFileSync(join(serviceDir, 'generated/model.json'), 'utf8')) as { operations: Record<string, unknown> }).operations);
const probe = pickProbe(join(serviceDir, 'generated/model.json'), operations);
const title = metadata.serviceId ?? name;

mkdirSync(join(serviceDir, 'operations'), { recursive: true });
writeFileSync(
  join(serviceDir, 'index.ts'),
  `// ${title}: scaffolded by \`npm run new-service\`. Every operation of the model is routed; those
// without a handler answer 501 NotImplemented naming the operation. Add handlers one at a time in
// operations/ (one file per operation or tight family: (input, ctx) => output), keep this service's
// tables in state.ts, and register each handler below.
import { readFileSync } from 'node:fs';
import { defineService } from '../../service.ts';
import type { ServiceModel } from '../../protocol/model.ts';
import type { ${handlersType} } from './generated/types.ts';

const model: ServiceModel = JSON.parse(readFileSync(new URL('./generated/model.json', import.meta.url), 'utf8'));

export default defineService<${handlersType}>({
  name: '${name}',
  model,
  handlers: {},
});
`,
);
writeFileSync(join(serviceDir, `${name}.test.ts`), testFile());
console.log(`added ${name} (${model}, ${metadata.protocol}${v3Client ? `, ${v3Client}` : ''}) with ${operations.length} operations:`);
console.log(`  src/aws/catalog.ts, src/aws/services/${name}/generated/, index.ts, ${name}.test.ts`);
console.log(`next: write src/aws/services/${name}/operations/<operation>.ts, register it in index.ts, and run npm test -- ${name}`);

/** An operation a client can call with no input, to show the service is routed (List…/Describe… first). */
function pickProbe(modelPath: string, ops: string[]): string | undefined {
  const m = JSON.parse(readFileSync(modelPath, 'utf8')) as {
    operations: Record<string, { input?: { shape: string } }>;
    shapes: Record<string, { required?: string[] }>;
  };
  const free = ops.filter((op) => {
    const shape = m.operations[op]?.input?.shape;
    return !shape || !(m.shapes[shape]?.required?.length);
  });
  return free.find((op) => /^(List|Describe|Get)/.test(op)) ?? free[0];
}

function snake(op: string): string {
  return op.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2').toLowerCase();
}

function testFile(): string {
  if (!probe || !botoName) {
    return `// ${title} through a real client. Scaffolded by \`npm run new-service\`: no boto3 client or no
// input-free operation was found to show routing, so write the first test with the first handler.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startFogbank } from '../../../testing/index.ts';

test('${name} is registered', async () => {
  const fb = await startFogbank();
  try {
    const services = (await (await fetch(\`\${fb.endpoint}/_fogbank/services\`)).json()) as Array<{ name: string }>;
    assert.ok(services.some((s) => s.name === '${name}'));
  } finally {
    await fb.stop();
  }
});
`;
  }
  return `// ${title} through a real client (boto3). Scaffolded by \`npm run new-service\`: the first test shows
// that a request reaches this service and, with no handler yet, gets 501 NotImplemented naming the
// operation. It fails once ${probe} has a handler: replace it with a test of what the handler does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startFogbank } from '../../../testing/index.ts';
import { boto3Clients, python } from '../../../../test/support/clients.ts';

for (const client of boto3Clients()) {
  test(\`${name}: ${probe} reaches the service (\${client.label})\`, async () => {
    const fb = await startFogbank();
    try {
      const r = await python(client, fb.endpoint, [
        'import os, boto3, botocore',
        "c = boto3.client('${botoName}', endpoint_url=os.environ['ENDPOINT'])",
        'try:',
        '    c.${snake(probe)}()',
        "    print('ANSWERED')",
        'except botocore.exceptions.ClientError as e:',
        "    print(e.response['ResponseMetadata']['HTTPStatusCode'], e.response['Error']['Code'], e.response['Error'].get('Message', ''))",
      ].join('\\n'));
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^501 NotImplemented .*${probe}/);
    } finally {
      await fb.stop();
    }
  });
}
`;
}
