// A table-driven test of expression errors: each request must fail with DynamoDB's exact message
// (or, for syntax errors, its exact prefix). The expected messages are DynamoDB's own, as its users
// and emulator test suites recorded them against the real service.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  DynamoDBClient, CreateTableCommand, ScanCommand, QueryCommand, UpdateItemCommand, PutItemCommand, GetItemCommand, DeleteItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { startFogbank, type TestFogbank } from '../../../testing/index.ts';

let fb: TestFogbank;
let ddb: DynamoDBClient;

before(async () => {
  fb = await startFogbank();
  ddb = fb.client(DynamoDBClient);
  await ddb.send(new CreateTableCommand({
    TableName: 'Exprs',
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    BillingMode: 'PAY_PER_REQUEST',
  }));
  await ddb.send(new PutItemCommand({ TableName: 'Exprs', Item: { pk: { S: 'k' }, sk: { S: 's' }, str: { S: 'x' }, num: { N: '1' }, nums: { NS: ['1'] } } }));
});
after(() => fb.stop());

type Values = Record<string, AttributeValue>;
const KEY = { pk: { S: 'k' }, sk: { S: 's' } };

interface Case {
  op: 'filter' | 'update' | 'condition' | 'key' | 'projection' | 'put';
  expr: string;
  values?: Values;
  names?: Record<string, string>;
  message: string | RegExp;
  /** Other members of the request (for mixed and empty-map cases). */
  extra?: Record<string, unknown>;
}

// The table 'abc' does not exist: DynamoDB checks expressions before it looks for the table.
function send(c: Case): Promise<unknown> {
  const common = { ExpressionAttributeValues: c.values, ExpressionAttributeNames: c.names, ...c.extra };
  switch (c.op) {
    case 'filter': return ddb.send(new ScanCommand({ TableName: 'abc', FilterExpression: c.expr, ...common }));
    case 'projection': return ddb.send(new GetItemCommand({ TableName: 'abc', Key: {}, ProjectionExpression: c.expr, ExpressionAttributeNames: c.names, ...c.extra }));
    case 'key': return ddb.send(new QueryCommand({ TableName: 'abc', KeyConditionExpression: c.expr, ...common }));
    case 'update': return ddb.send(new UpdateItemCommand({ TableName: 'abc', Key: {}, UpdateExpression: c.expr, ...common }));
    case 'condition': return ddb.send(new DeleteItemCommand({ TableName: 'abc', Key: {}, ConditionExpression: c.expr, ...common }));
    case 'put': return ddb.send(new UpdateItemCommand({ TableName: 'Exprs', Key: KEY, UpdateExpression: c.expr, ...common }));
  }
}

const SYNTAX = (kind: string) => new RegExp(`^Invalid ${kind}: Syntax error; token: ".+", near: ".*"$`);
const v = (x: AttributeValue): Values => ({ ':a': x });

const cases: Case[] = [
  // Syntax: the whole expression is parsed first.
  ...['things are not gonna be ok', 'a > 4', 'attribute_exists(Pictures-RearView)', 'attribute_exists("Pictures.RearView")', 'attribute_exists(Pictures..RearView)',
    'attribute_exists(Pi#ctures.RearView)', 'attribute_exists(asdf[a])', 'a in b, c', 'a > between', 'a in b', 'a in (b,c,)', '(a)between(b.(c.d))and(c)',
    '(a)between(b.c.d)and((c)', '#$.b > a', 'a > :things.stuff', 'b[:a] > a', 'b[#_] > a', 'ü > a', '(a)between(b.c[4.5].#d)and(:a)', 'size(a).b > a',
    '(size(a)).b > a', 'size(a)[0] > a', '(size(a))[0] > a'].map((expr): Case => ({ op: 'filter', expr, message: SYNTAX('FilterExpression') })),
  ...['whatever', 'set a', 'add a', 'delete a', 'set a=set', 'remove a = b', 'add a = b', 'delete a = b', 'delete a b', 'delete a if_not_exist(b)', 'add abort b',
    'add a if_not_exist(b)', 'remove a b', 'set a b', 'set :a = b', 'add :a b', 'delete :a b', 'remove :a', 'set a = b / c', 'set a = b * c', 'set a[1] = "eight"',
    'set a[1] = 1', 'SET a = if_not_exist(a, 100)', 'SET if_not_exist(a, b) = a', 'set (a = (b + c))', 'set a = (b.c).d + e', 'set a = (b.c)[0] + e', 'set a = b + c + d',
  ].map((expr): Case => ({ op: 'update', expr, message: SYNTAX('UpdateExpression') })),
  ...['things are not gonna be ok', 'a > 4', '(size(a))[0] > a'].map((expr): Case => ({ op: 'key', expr, message: SYNTAX('KeyConditionExpression') })),
  { op: 'update', expr: 'SET path = VALUE 1', message: 'Invalid UpdateExpression: Syntax error; token: "1", near: "VALUE 1"' },
  { op: 'key', expr: 'pk = :p AND __typename = :t', message: 'Invalid KeyConditionExpression: Syntax error; token: "_", near: "AND __"' },
  { op: 'condition', expr: 'foo', message: 'Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "foo"' },
  { op: 'projection', expr: 'a..b', message: SYNTAX('ProjectionExpression') },

  // Shape: redundant parentheses, function names, where functions may stand, reserved words.
  ...['a=a and a > ((views))', '(a)between(((b.c)).d)and(c)', 'a > whatever((:things), ((a)))', 'a=a AND ((a=a AND a=a)) AND a=a', 'a=a OR ((a=a OR a=a)) OR a=a',
    'a=a AND ((a=a AND (a=a AND a=a)))', 'a=a OR ((a=a OR (a=a OR a=a)))'].map((expr): Case => ({ op: 'filter', expr, message: 'Invalid FilterExpression: The expression has redundant parentheses;' })),
  { op: 'filter', expr: 'a=a and whatever((:things)) > a', message: 'Invalid FilterExpression: Invalid function name; function: whatever' },
  { op: 'filter', expr: 'attRIbute_exIsts((views), #a)', message: 'Invalid FilterExpression: Invalid function name; function: attRIbute_exIsts' },
  { op: 'key', expr: 'forum_name = :forum_name and BegIns_WiTh(subject, :subject )', message: 'Invalid KeyConditionExpression: Invalid function name; function: BegIns_WiTh' },
  ...([
    ['a=a and attribute_exists((views), (#a)) > b', 'attribute_exists'], ['attribute_not_exists(things) > b', 'attribute_not_exists'], ['attribute_type(things, :a) > b', 'attribute_type'],
    ['begins_with(things, a) > b', 'begins_with'], ['contains(:things, c) > b', 'contains'], ['size(contains(a, b)) > a', 'contains'], ['size(things)', 'size'],
    ['a between b and attribute_exists(things)', 'attribute_exists'], ['a in (b, attribute_exists(things))', 'attribute_exists'],
  ] as const).map(([expr, fn]): Case => ({ op: 'filter', expr, message: `Invalid FilterExpression: The function is not allowed to be used this way in an expression; function: ${fn}` })),
  { op: 'filter', expr: 'attribute_exists(views, #a)', message: 'Invalid FilterExpression: Attribute name is a reserved keyword; reserved keyword: views' },
  { op: 'filter', expr: ':a < abOrT', message: 'Invalid FilterExpression: Attribute name is a reserved keyword; reserved keyword: abOrT' },
  { op: 'update', expr: ' set #c = :c set abOrt = true ', values: { ':a': { S: 'a' } }, names: { '#a': 'a' }, message: 'Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: abOrt' },
  { op: 'update', expr: ' remove Absolute ', message: 'Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: Absolute' },
  { op: 'key', expr: 'status = :v', values: { ':v': { S: 'x' } }, message: 'Invalid KeyConditionExpression: Attribute name is a reserved keyword; reserved keyword: status' },
  { op: 'projection', expr: 'name, pk', message: 'Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: name' },
  { op: 'update', expr: 'set #c = if_not_exist(:c) set c = d', message: 'Invalid UpdateExpression: Invalid function name; function: if_not_exist' },
  ...([['set a = #c set c = :d', 'SET'], ['remove #d set a = b remove e', 'REMOVE'], ['add #d :e set a = b add e :f', 'ADD'], ['delete #d :e set a = b delete #e :f', 'DELETE']] as const)
    .map(([expr, section]): Case => ({ op: 'update', expr, message: `Invalid UpdateExpression: The "${section}" section can only be used once in an update expression;` })),

  // Names and values, in the order written.
  ...([['attribute_exists(#Pictures.RearView, :a) and a=a', '#Pictures'], ['begins_with(Pictures.#RearView)', '#RearView'], ['(#P between :lo and :hi) and (#PC in (:cat1, :cat2))', '#P'],
    ['#4g > a', '#4g'], ['#_ > a', '#_'], ['(a)between(b.c[45].#d)and(:a)', '#d']] as const)
    .map(([expr, name]): Case => ({ op: 'filter', expr, message: `Invalid FilterExpression: An expression attribute name used in the document path is not defined; attribute name: ${name}` })),
  ...([['begins_with(:hello, #a, #b)', ':hello'], [':a < :b', ':a'], [':_ > a', ':_']] as const)
    .map(([expr, value]): Case => ({ op: 'filter', expr, message: `Invalid FilterExpression: An expression attribute value used in expression is not defined; attribute value: ${value}` })),
  { op: 'update', expr: 'SET #c = if_not_exists(:c)', values: { ':a': { S: 'a' } }, names: { '#a': 'a' }, message: 'Invalid UpdateExpression: An expression attribute name used in the document path is not defined; attribute name: #c' },
  { op: 'update', expr: 'SET #a = if_not_exists(:c)', values: { ':a': { S: 'a' } }, names: { '#a': 'a' }, message: 'Invalid UpdateExpression: An expression attribute value used in expression is not defined; attribute value: :c' },

  // Operands: counts, types, document paths, distinct operands.
  ...([['attribute_exists(things, a) and a=a', 'attribute_exists', 2], ['attribute_not_exists(things, b)', 'attribute_not_exists', 2], ['attribute_type(things)', 'attribute_type', 1],
    ['begins_with(things)', 'begins_with', 1], ['begins_with(things, size(a), b)', 'begins_with', 3], ['contains(things)', 'contains', 1], ['size(things, a) > b', 'size', 2]] as const)
    .map(([expr, fn, n]): Case => ({ op: 'filter', expr, message: `Invalid FilterExpression: Incorrect number of operands for operator or function; operator or function: ${fn}, number of operands: ${n}` })),
  ...([
    ['attribute_type(a, size(a)) and a=a and a=:a', 'attribute_type', { N: '1' }], ['attribute_type(a, :a)', 'attribute_type', { N: '1' }], ['attribute_type(a, :a)', 'attribute_type', { BOOL: true }],
    ['attribute_type(a, :a)', 'attribute_type', { L: [] }], ['begins_with(a, size(a)) and a=:a', 'begins_with', { N: '1' }], ['begins_with(a, :a)', 'begins_with', { N: '1' }],
    ['begins_with(a, :a)', 'begins_with', { SS: ['1'] }], ['begins_with(:a, a)', 'begins_with', { M: {} }], ['size(size(a)) > :a', 'size', { N: '1' }],
    ['attribute_not_exists(size(:a))', 'size', { N: '1' }], ['size(:a) > a', 'size', { BOOL: true }], ['size(:a) > a', 'size', { NULL: true }],
  ] as const).map(([expr, fn, value]): Case => ({ op: 'filter', expr, values: v(value as AttributeValue), message: `Invalid FilterExpression: Incorrect operand type for operator or function; operator or function: ${fn}, operand type: ${Object.keys(value)[0]}` })),
  { op: 'filter', expr: 'attribute_type(a, :a)', values: v({ S: '1' }), message: /^Invalid FilterExpression: Invalid attribute type name found; type: 1, valid types: \{((B|NULL|SS|BOOL|L|BS|N|NS|S|M),?){10}\}$/ },
  { op: 'filter', expr: 'attribute_exists(:a) and a=a', values: v({ S: '1' }), message: 'Invalid FilterExpression: Operator or function requires a document path; operator or function: attribute_exists' },
  { op: 'filter', expr: 'attribute_not_exists(size(:a))', values: v({ S: '1' }), message: 'Invalid FilterExpression: Operator or function requires a document path; operator or function: attribute_not_exists' },
  ...([['a = a AND #a = b AND :views > a', '=', '[a]'], ['#a <> a', '<>', '[a]'], ['a > #a', '>', '[a]'], ['((a=a) OR (a=a))', '=', '[a]'], ['((a=a) AND (a=a))', '=', '[a]'],
    ['contains(ab.bc[1].a, ab.bc[1].#a)', 'contains', '[ab, bc, [1], a]'], ['attribute_type(ab.bc[1].#a, ab.bc[1].a)', 'attribute_type', '[ab, bc, [1], a]'],
    ['begins_with(ab.bc[1].a, ab.bc[1].#a)', 'begins_with', '[ab, bc, [1], a]']] as const)
    .map(([expr, op, first]): Case => ({ op: 'filter', expr, names: { '#a': 'a' }, message: `Invalid FilterExpression: The first operand must be distinct from the remaining operands for this operator or function; operator: ${op}, first operand: ${first}` })),
  { op: 'condition', expr: 'a between :b and :a', values: { ':a': { S: 'a' }, ':b': { S: 'b' } }, message: 'Invalid ConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {S:b}, upper bound operand: AttributeValue: {S:a}' },
  { op: 'update', expr: 'set a = if_not_exists(c)', message: 'Invalid UpdateExpression: Incorrect number of operands for operator or function; operator or function: if_not_exists, number of operands: 1' },
  { op: 'update', expr: 'set a = list_append(c)', message: 'Invalid UpdateExpression: Incorrect number of operands for operator or function; operator or function: list_append, number of operands: 1' },
  { op: 'update', expr: 'set a = if_not_exists(:a, c)', values: v({ S: 'a' }), message: 'Invalid UpdateExpression: Operator or function requires a document path; operator or function: if_not_exists' },
  { op: 'update', expr: 'set a = if_not_exists(if_not_exists(a, b), c)', message: 'Invalid UpdateExpression: Operator or function requires a document path; operator or function: if_not_exists' },
  ...([['set a = list_append(:a, a)', 'list_append', { S: 'a' }], ['set a = list_append(a, :a)', 'list_append', { N: '1' }], ['set a = list_append(:a, a)', 'list_append', { M: {} }],
    ['set a = a + :a', '+', { S: 'a' }], ['set a = :a + a', '+', { B: Uint8Array.from([97]) }], ['set a = a + :a', '+', { SS: ['a'] }], ['set a = a - :a', '-', { L: [] }],
    ['set a = a - :a', '-', { BOOL: true }]] as const)
    .map(([expr, fn, value]): Case => ({ op: 'update', expr, values: v(value as AttributeValue), message: `Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: ${fn}, operand type: ${Object.keys(value)[0]}` })),
  ...([['add a.b :a', { S: 'a' }, 'ADD', 'STRING'], ['delete a.b :a', { S: 'a' }, 'DELETE', 'STRING'], ['add a.b :a', { BOOL: false }, 'ADD', 'BOOLEAN'],
    ['add a.b :a', { M: {} }, 'ADD', 'MAP'], ['add a.b :a', { L: [] }, 'ADD', 'LIST'], ['delete a.b :a', { N: '1' }, 'DELETE', 'NUMBER'], ['delete a.b :a', { NULL: true }, 'DELETE', 'NULL']] as const)
    .map(([expr, value, kw, type]): Case => ({ op: 'update', expr, values: v(value as AttributeValue), message: `Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ${kw}, operand type: ${type}, typeSet: ALLOWED_FOR_${kw}_OPERAND` })),
  { op: 'update', expr: 'set b = list_append(:a, a), c = if_not_exists(a) add a.b :a', values: { ':a': { S: 'a' }, ':b': { S: 'a' } }, message: 'Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: STRING, typeSet: ALLOWED_FOR_ADD_OPERAND' },

  // Overlapping and conflicting document paths.
  ...([['set d[1] = a, d.b = a, c[1].a = a, #c = if_not_exists(a)', '[c, [1], a]', '[c]'], ['set c.b.#c = a, c = a, #d = a', '[c, b, c]', '[c]'], ['set a = b remove a, #c, #d', '[a]', '[a]'],
    ['set #c[3].#d = a, #c[3] = a', '[c, [3], [3]]', '[c, [3]]'], ['remove c, #c.a, #d', '[c]', '[c, a]'], ['remove a, #c, a, #d', '[a]', '[a]']] as const)
    .map(([expr, one, two]): Case => ({ op: 'update', expr, names: { '#c': 'c', '#d': '[3]' }, message: `Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: ${one}, path two: ${two}` })),
  { op: 'update', expr: 'set #c[3].#d = a, #c.#d[3] = if_not_exists(a)', names: { '#c': 'c', '#d': '[3]' }, message: 'Invalid UpdateExpression: Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [c, [3], [3]], path two: [c, [3], [3]]' },
  { op: 'update', expr: 'remove a.#c set a[1] = #d', names: { '#c': 'c', '#d': '[3]' }, message: 'Invalid UpdateExpression: Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [a, c], path two: [a, [1]]' },
  { op: 'projection', expr: 'a.b, a', message: 'Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a, b], path two: [a]' },

  // Key conditions.
  ...([['a > b and size(b) > c or a > c', 'OR'], ['a in (b, size(c), d)', 'IN'], ['attribute_exists(a)', 'attribute_exists'], ['attribute_not_exists(a)', 'attribute_not_exists'],
    ['contains(a.d, b)', 'contains'], ['not a > b', 'NOT'], ['a <> b', '<>']] as const)
    .map(([expr, op]): Case => ({ op: 'key', expr, message: `Invalid operator used in KeyConditionExpression: ${op}` })),
  { op: 'key', expr: ':a between size(b) and size(a) and b > :b', values: { ':a': { S: '1' }, ':b': { S: '1' } }, message: 'Invalid condition in KeyConditionExpression: BETWEEN operator must have the key attribute as its first operand' },
  { op: 'key', expr: 'begins_with(:a, b) and a > :b', values: { ':a': { S: '1' }, ':b': { S: '1' } }, message: 'Invalid condition in KeyConditionExpression: begins_with operator must have the key attribute as its first operand' },
  ...['size(b) > a AND a.b > b AND b > c', 'a > size(b.d)', 'a between size(b) and size(a)'].map((expr): Case => ({ op: 'key', expr, message: 'KeyConditionExpressions cannot contain nested operations' })),
  ...['b > a.b', 'b between c[1] and d', 'a between b and size(a)', 'begins_with(a, b)'].map((expr): Case => ({ op: 'key', expr, message: 'Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition' })),
  ...['b.d > a AND c.d > e.f', 'a.d > c', 'b[0] > a'].map((expr): Case => ({ op: 'key', expr, message: 'KeyConditionExpressions cannot have conditions on nested attributes' })),
  ...[':b > :a AND a < :b', ':a > b AND :a < :b'].map((expr): Case => ({ op: 'key', expr, values: { ':a': { N: '1' }, ':b': { N: '1' } }, message: 'Invalid condition in KeyConditionExpression: No key attribute specified' })),
  ...['b > :a AND b < :a and c = :a and d = :a', '(a > :a and b > :a) and (b > :a and c > :a)'].map((expr): Case => ({ op: 'key', expr, values: { ':a': { N: '1' } }, message: 'KeyConditionExpressions must only contain one condition per key' })),
  { op: 'key', expr: 'a between :b and :a', values: { ':a': { S: 'a' }, ':b': { N: '1' } }, message: 'Invalid KeyConditionExpression: The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: AttributeValue: {N:1}, upper bound operand: AttributeValue: {S:a}' },
  { op: 'key', expr: 'attribute_type(a, :a)', values: { ':a': { S: 'S' } }, message: 'Invalid operator used in KeyConditionExpression: attribute_type' },
  { op: 'key', expr: 'pk = :p AND begins_with(sk, :n)', values: { ':p': { S: 'x' }, ':n': { N: '4' } }, message: 'Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N' },

  // The name and value maps, and empty expressions.
  { op: 'update', expr: '', extra: { ConditionExpression: '' }, message: 'Invalid UpdateExpression: The expression can not be empty;' },
  { op: 'condition', expr: '', message: 'Invalid ConditionExpression: The expression can not be empty;' },
  { op: 'filter', expr: '', extra: { ProjectionExpression: '' }, values: { ':0': { S: 'b' } }, message: 'Invalid FilterExpression: The expression can not be empty;' },
  { op: 'filter', expr: 'a > b', extra: { ProjectionExpression: '' }, message: 'Invalid ProjectionExpression: The expression can not be empty;' },
  { op: 'filter', expr: '', names: {}, values: {}, message: 'ExpressionAttributeNames must not be empty' },
  { op: 'filter', expr: '', names: { a: 'a' }, values: {}, message: 'ExpressionAttributeNames contains invalid key: Syntax error; key: "a"' },
  { op: 'filter', expr: '', values: {}, message: 'ExpressionAttributeValues must not be empty' },
  { op: 'filter', expr: '', values: { a: { S: 'b' } }, message: 'ExpressionAttributeValues contains invalid key: Syntax error; key: "a"' },
  { op: 'update', expr: '', values: { ':b': { SS: [] } }, message: 'ExpressionAttributeValues contains invalid value: One or more parameter values were invalid: An string set  may not be empty for key :b' },
  { op: 'update', expr: '', values: { ':b': { NS: ['1', 'b'] } }, message: 'ExpressionAttributeValues contains invalid value: The parameter cannot be converted to a numeric value: b for key :b' },
  { op: 'update', expr: 'remove a set b = list_append(b, if_not_exists(a, :a))', extra: { ConditionExpression: 'a = :b' }, values: { ':a': { S: 'a' }, ':b': { S: 'a' } }, names: { '#a': 'a' }, message: 'Value provided in ExpressionAttributeNames unused in expressions: keys: {#a}' },
  { op: 'update', expr: 'remove a', extra: { ConditionExpression: 'a = :b' }, values: { ':a': { S: 'a' }, ':b': { S: 'a' } }, message: 'Value provided in ExpressionAttributeValues unused in expressions: keys: {:a}' },
  { op: 'condition', expr: 'a = :b', extra: { Expected: { a: { Exists: false } } }, message: 'Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {Expected} Expression parameters: {ConditionExpression}' },
  { op: 'update', expr: 'SET a = :a', values: v({ S: 'x'.repeat(4100) }), extra: { ConditionExpression: `attribute_exists(${'a'.repeat(4097)})` }, message: 'Invalid ConditionExpression: Expression size has exceeded the maximum allowed size; expression size: 4115' },

  // Checks that need the item or the table.
  { op: 'put', expr: 'SET nope.a = :a', values: v({ S: 'x' }), message: 'The document path provided in the update expression is invalid for update' },
  { op: 'put', expr: 'SET str[1] = :a', values: v({ S: 'x' }), message: 'The document path provided in the update expression is invalid for update' },
  { op: 'put', expr: 'SET x = nope', message: 'The provided expression refers to an attribute that does not exist in the item' },
  { op: 'put', expr: 'SET x = list_append(str, :a)', values: v({ L: [] }), message: 'An operand in the update expression has an incorrect data type' },
  { op: 'put', expr: 'ADD nums :a', values: v({ SS: ['x'] }), message: 'An operand in the update expression has an incorrect data type' },
  { op: 'put', expr: 'DELETE num :a', values: v({ NS: ['1'] }), message: 'An operand in the update expression has an incorrect data type' },
  { op: 'put', expr: 'SET sk = :a', values: v({ S: 'x' }), message: 'One or more parameter values were invalid: Cannot update attribute sk. This attribute is part of the key' },
];

test(`${cases.length} expression errors answer with DynamoDB's messages`, async () => {
  const failures: string[] = [];
  for (const c of cases) {
    try {
      await send(c);
      failures.push(`${c.op} ${JSON.stringify(c.expr)}: no error`);
    } catch (e: any) {
      const ok = e.name === 'ValidationException' && (typeof c.message === 'string' ? e.message === c.message : c.message.test(e.message));
      if (!ok) failures.push(`${c.op} ${JSON.stringify(c.expr)}:\n    got      ${e.name}: ${e.message}\n    expected ${c.message}`);
    }
  }
  assert.deepEqual(failures, []);
});

test('once expressions are valid, the missing table is reported', async () => {
  await assert.rejects(ddb.send(new ScanCommand({ TableName: 'abc', FilterExpression: 'a = :a', ExpressionAttributeValues: { ':a': { S: 'x' } } })), { name: 'ResourceNotFoundException', message: 'Requested resource not found' });
  await assert.rejects(ddb.send(new QueryCommand({ TableName: 'abc', KeyConditionExpression: 'z = :a', ExpressionAttributeValues: { ':a': { N: '1' } } })), { name: 'ResourceNotFoundException' });
});

test('key conditions are matched against the key schema', async () => {
  const q = (expr: string, values: Values) => ddb.send(new QueryCommand({ TableName: 'Exprs', KeyConditionExpression: expr, ExpressionAttributeValues: values }));
  await assert.rejects(q('sk = :s', { ':s': { S: 'x' } }), { message: 'Query condition missed key schema element: pk' });
  await assert.rejects(q('pk = :p AND zzz = :s', { ':p': { S: 'x' }, ':s': { S: 'x' } }), { message: 'Query condition missed key schema element: sk' });
  await assert.rejects(q('pk > :p', { ':p': { S: 'x' } }), { message: 'Query key condition not supported' });
  await assert.rejects(q('pk = :p', { ':p': { N: '1' } }), { message: 'One or more parameter values were invalid: Condition parameter type does not match schema type' });
  const ok = await q(':p = pk AND sk <= :s', { ':p': { S: 'k' }, ':s': { S: 's' } });
  assert.equal(ok.Count, 1);
});
