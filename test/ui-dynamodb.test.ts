// The DynamoDB pages in a real Chromium: tables and indexes, items written with the SDK seen in the
// browser, Query (key condition on the table or an index) and Scan with filters and pages, items
// put, edited and deleted as DynamoDB JSON, and stream records — with validation and the service's
// own errors shown.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import * as D from '@aws-sdk/client-dynamodb';
import { startFogbank, type TestFogbank } from '../src/testing/index.ts';
import { launch, screenshot } from './support/browser.ts';

let fb: TestFogbank;
let browser: Browser;
let page: Page;
let ddb: D.DynamoDBClient;

before(async () => {
  fb = await startFogbank();
  ddb = fb.client(D.DynamoDBClient);
  browser = await launch();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('pageerror', (e) => assert.fail(`page error: ${e.message}`));
  page.on('dialog', (d) => d.accept());
});
after(async () => {
  await browser?.close();
  await fb?.stop();
});

const ui = (path = '') => `${fb.endpoint}/_fogbank/ui/${path}`;
const items = () => page.getByRole('table', { name: 'Items' });
const firstColumn = () => items().locator('tbody tr td:first-child').allInnerTexts();
const column = (n: number) => items().locator(`tbody tr td:nth-child(${n})`).allInnerTexts();
// Functions, not strings: a string predicate is eval'd in the page, which the UI's CSP forbids.
const rows = (n: number) => page.waitForFunction((k) => (globalThis as any).document.querySelectorAll('table.items tbody tr').length === k, n);

async function waitActive(TableName: string) {
  for (let i = 0; i < 100; i++) {
    if ((await ddb.send(new D.DescribeTableCommand({ TableName }))).Table?.TableStatus === 'ACTIVE') return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('a table created in the UI, with validation and DynamoDB errors', async () => {
  await page.goto(ui('dynamodb'));
  await page.getByText('No tables in this account and region yet.').waitFor();
  await page.getByRole('button', { name: 'Create table' }).click();
  await page.getByRole('alert').getByText('Enter a table name.').waitFor();
  await page.getByLabel('Table name').fill('Orders');
  await page.getByRole('button', { name: 'Create table' }).click();
  await page.getByRole('alert').getByText('Enter the partition key attribute name.').waitFor();
  await page.getByLabel('Partition key', { exact: true }).fill('customer');
  await page.getByLabel('Sort key', { exact: true }).fill('orderId');
  await page.getByLabel('Sort key type').selectOption('N');
  await page.getByLabel('Stream').selectOption('NEW_AND_OLD_IMAGES');
  await page.getByRole('button', { name: 'Create table' }).click();
  await page.getByRole('heading', { name: /^Orders/ }).waitFor();
  const t = (await ddb.send(new D.DescribeTableCommand({ TableName: 'Orders' }))).Table!;
  assert.deepEqual(t.KeySchema, [{ AttributeName: 'customer', KeyType: 'HASH' }, { AttributeName: 'orderId', KeyType: 'RANGE' }]);
  assert.equal(t.StreamSpecification?.StreamViewType, 'NEW_AND_OLD_IMAGES');

  await page.goto(ui('dynamodb'));
  await page.getByLabel('Table name').fill('Orders');
  await page.getByLabel('Partition key', { exact: true }).fill('customer');
  await page.getByRole('button', { name: 'Create table' }).click();
  await page.getByRole('alert').getByText('ResourceInUseException').waitFor();
  assert.match(await page.getByRole('alert').innerText(), /ResourceInUseException: Table already exists: Orders/);
  await screenshot(page, 'dynamodb-tables');
});

test('items written with the SDK appear in the browser; Query and Scan with filters, pages and errors', async () => {
  await waitActive('Orders');
  for (const [customer, n, status, total] of [
    ['ana', 1, 'open', 10], ['ana', 2, 'shipped', 25], ['ana', 3, 'open', 40], ['ana', 4, 'open', 5], ['bo', 1, 'open', 99],
  ] as const) {
    await ddb.send(new D.PutItemCommand({
      TableName: 'Orders',
      Item: { customer: { S: customer }, orderId: { N: String(n) }, status: { S: status }, total: { N: String(total) }, lines: { L: [{ M: { sku: { S: `sku-${n}` } } }] } },
    }));
  }
  await page.goto(ui('dynamodb/Orders'));
  await items().waitFor();
  assert.deepEqual(await column(2), ['1', '2', '3', '4', '1']);
  assert.deepEqual((await firstColumn()).sort(), ['ana', 'ana', 'ana', 'ana', 'bo']);
  assert.match(await items().locator('tbody tr').first().innerText(), /\[\{"sku":"sku-1"\}\]/);

  // Query: partition key and a sort key range, newest first.
  await page.getByLabel('Query').check();
  await page.getByRole('button', { name: 'Run query' }).click();
  await page.getByRole('alert').getByText('Enter the value of the partition key customer.').waitFor();
  await page.getByLabel('Partition key value').fill('ana');
  await page.getByLabel('Sort key condition').selectOption('between');
  await page.getByLabel('Sort key value', { exact: true }).fill('two');
  await page.getByRole('button', { name: 'Run query' }).click();
  await page.getByRole('alert').getByText('The sort key orderId is a number: "two" is not one.').waitFor();
  await page.getByLabel('Sort key value', { exact: true }).fill('2');
  await page.getByLabel('Sort key upper value').fill('4');
  await page.getByLabel('descending').check();
  await page.getByRole('button', { name: 'Run query' }).click();
  await page.getByText('where #key_pk = :key_pk AND #key_sk BETWEEN :key_sk AND :key_sk2').waitFor();
  await rows(3);
  assert.deepEqual(await column(2), ['4', '3', '2']);

  // A filter with names and values; bad JSON is caught here, a bad expression by DynamoDB.
  await page.getByLabel('Filter expression').fill('#s = :s AND #t > :min');
  await page.getByLabel('Expression attribute names').fill('{"#s": "status", "#t": "total"}');
  await page.getByLabel('Expression attribute values').fill('{":s": {"S": "open"}, ":min": {"N": "abc"}}');
  await page.getByRole('button', { name: 'Run query' }).click();
  await page.getByRole('alert').getByText(':min.N must be a number written as a string, like "42".').waitFor();
  await page.getByLabel('Expression attribute values').fill('{":s": {"S": "open"}}');
  await page.getByRole('button', { name: 'Run query' }).click();
  await page.getByRole('alert').getByText('ValidationException').waitFor();
  assert.match(await page.getByRole('alert').innerText(), /:min/);
  await page.getByLabel('Expression attribute values').fill('{":s": {"S": "open"}, ":min": {"N": "8"}}');
  await page.getByRole('button', { name: 'Run query' }).click();
  await page.getByText('filtered by #s = :s AND #t > :min').waitFor();
  await rows(1);
  assert.deepEqual(await column(2), ['3']);
  await page.getByRole('heading', { name: 'Items (1 of 3 read)' }).waitFor();
  await screenshot(page, 'dynamodb-query');

  // Scan in pages of two, by LastEvaluatedKey.
  await page.getByLabel('Scan').check();
  await page.getByLabel('Filter expression').fill('');
  await page.getByLabel('Limit').fill('2');
  await page.getByRole('button', { name: 'Run scan' }).click();
  await page.getByText('page 1', { exact: true }).waitFor();
  const seen: string[] = [];
  // The rows' text, to wait for a new page's rows rather than read the old ones again.
  const rowsText = () => [...(globalThis as any).document.querySelectorAll('table.items tbody tr')].map((r: any) => r.innerText).join('|');
  let previous = '';
  for (let p = 1; ; p++) {
    await page.getByText(`Scan of table Orders, page ${p}`).waitFor();
    await page.waitForFunction((prev) => {
      const d = (globalThis as any).document;
      const text = [...d.querySelectorAll('table.items tbody tr')].map((r: any) => r.innerText).join('|');
      return text !== prev && (d.querySelectorAll('table.items tbody tr').length > 0 || d.body.innerText.includes('No items on this page'));
    }, previous);
    previous = await page.evaluate(rowsText);
    for (const [i, c] of (await firstColumn()).entries()) seen.push(`${c}/${(await column(2))[i]}`);
    if (await page.getByRole('button', { name: 'Next →' }).isDisabled()) break;
    await page.getByRole('button', { name: 'Next →' }).click();
  }
  assert.deepEqual(seen.sort(), ['ana/1', 'ana/2', 'ana/3', 'ana/4', 'bo/1']);
  await page.getByRole('button', { name: '← Previous' }).click();
  await page.getByText('Scan of table Orders, page 2').waitFor();
});

test('Query on a global secondary index', async () => {
  await ddb.send(new D.CreateTableCommand({
    TableName: 'Products',
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'sku', AttributeType: 'S' }, { AttributeName: 'category', AttributeType: 'S' }, { AttributeName: 'price', AttributeType: 'N' }],
    KeySchema: [{ AttributeName: 'sku', KeyType: 'HASH' }],
    GlobalSecondaryIndexes: [{ IndexName: 'byCategory', KeySchema: [{ AttributeName: 'category', KeyType: 'HASH' }, { AttributeName: 'price', KeyType: 'RANGE' }], Projection: { ProjectionType: 'KEYS_ONLY' } }],
  }));
  await waitActive('Products');
  for (const [sku, category, price] of [['p1', 'tea', 12], ['p2', 'tea', 4], ['p3', 'cups', 9], ['p4', 'tea', 30]] as const) {
    await ddb.send(new D.PutItemCommand({ TableName: 'Products', Item: { sku: { S: sku }, category: { S: category }, price: { N: String(price) }, name: { S: `Product ${sku}` } } }));
  }
  await page.goto(ui('dynamodb/Products?tab=table'));
  const indexes = page.getByRole('table', { name: 'Indexes' });
  await indexes.waitFor();
  assert.match(await indexes.innerText(), /byCategory\s+global\s+category \(S\)\s+price \(N\)\s+KEYS_ONLY/);
  await screenshot(page, 'dynamodb-indexes');
  await page.getByRole('link', { name: 'Items' }).click();
  await page.getByLabel('Query').check();
  await page.getByLabel('Table or index').selectOption('byCategory');
  await page.getByLabel('Partition key value').fill('tea');
  await page.getByLabel('Sort key condition').selectOption('<');
  await page.getByLabel('Sort key value', { exact: true }).fill('20');
  await page.getByRole('button', { name: 'Run query' }).click();
  await page.getByText('Query of index byCategory').waitFor();
  await rows(2);
  assert.deepEqual(await firstColumn(), ['p2', 'p1']);
  // Editing an index result edits the whole item, read by its table key.
  await items().getByRole('row', { name: /p2/ }).getByRole('button', { name: 'Edit' }).click();
  assert.match(await page.getByLabel('Item JSON').inputValue(), /"Product p2"/);
});

test('items put, edited and deleted as DynamoDB JSON; stream records show each change', async () => {
  await page.goto(ui('dynamodb/Orders'));
  await items().waitFor();
  await page.getByRole('button', { name: 'New item' }).click();
  const editor = page.getByLabel('Item JSON');
  assert.deepEqual(JSON.parse(await editor.inputValue()), { customer: { S: '' }, orderId: { N: '0' } });
  await editor.fill('{"customer": {"S": "cy"}, "orderId": {"N": "7"}, "note": "plain"}');
  await page.getByRole('button', { name: 'Save item' }).click();
  await page.getByRole('alert').getByText('note must be an object like {"S": "text"} or {"N": "1"}.').waitFor();
  await editor.fill('{"customer": {"S": "cy"}, "orderId": {"S": "7"}}');
  await page.getByRole('button', { name: 'Save item' }).click();
  await page.getByRole('alert').getByText('Key attribute orderId must be of type N').waitFor();
  await editor.fill('{"customer": {"S": "cy"}, "orderId": {"N": "7"}, "tags": {"SS": ["new", "gift"]}, "paid": {"BOOL": false}}');
  await page.getByRole('button', { name: 'Save item' }).click();
  await page.getByText('Item created.').waitFor();
  const created = await ddb.send(new D.GetItemCommand({ TableName: 'Orders', Key: { customer: { S: 'cy' }, orderId: { N: '7' } } }));
  assert.deepEqual(created.Item?.paid, { BOOL: false });
  assert.deepEqual(new Set(created.Item?.tags.SS), new Set(['new', 'gift']));

  // The same key again as a new item: DynamoDB's condition refuses to overwrite.
  await page.getByRole('button', { name: 'New item' }).click();
  await editor.fill('{"customer": {"S": "cy"}, "orderId": {"N": "7"}}');
  await page.getByRole('button', { name: 'Save item' }).click();
  await page.getByRole('alert').getByText('ConditionalCheckFailedException').waitFor();
  await page.getByRole('button', { name: 'Cancel' }).click();

  // Edit: the stored item comes back, changed.
  const row = items().getByRole('row', { name: /^cy\s+7/ });
  await row.getByRole('button', { name: 'Edit' }).click();
  const stored = JSON.parse(await editor.inputValue());
  stored.paid = { BOOL: true };
  await editor.fill(JSON.stringify(stored, null, 2));
  await page.getByRole('button', { name: 'Save item' }).click();
  await page.getByText('Item saved.').waitFor();
  const edited = await ddb.send(new D.GetItemCommand({ TableName: 'Orders', Key: { customer: { S: 'cy' }, orderId: { N: '7' } } }));
  assert.deepEqual(edited.Item?.paid, { BOOL: true });
  await screenshot(page, 'dynamodb-items');

  await row.getByRole('button', { name: 'Delete' }).click();
  await page.getByText('Item deleted.').waitFor();
  assert.equal((await ddb.send(new D.GetItemCommand({ TableName: 'Orders', Key: { customer: { S: 'cy' }, orderId: { N: '7' } } }))).Item, undefined);

  // The stream saw the insert, the edit and the delete (newest first), and the SDK writes before.
  await page.getByRole('link', { name: 'Stream' }).click();
  const records = page.getByRole('table', { name: 'Stream records' });
  await records.waitFor();
  const events = await records.locator('tbody tr td:nth-child(2)').allInnerTexts();
  assert.deepEqual(events.slice(0, 3), ['REMOVE', 'MODIFY', 'INSERT']);
  assert.equal(events.length, 8);
  assert.match(await records.locator('tbody tr').nth(1).innerText(), /customer: cy, orderId: 7/);
  await records.locator('tbody tr').nth(1).click();
  await records.getByText('Changed attributes: paid').waitFor();
  await screenshot(page, 'dynamodb-stream');
});
