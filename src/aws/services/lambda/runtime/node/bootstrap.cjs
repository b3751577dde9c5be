// Fogbank's runtime interface client for Node.js functions. It runs in the worker process (on the
// Node that runs Fogbank), talks to the Runtime API at AWS_LAMBDA_RUNTIME_API exactly as AWS's client
// does, loads the handler named by _HANDLER from LAMBDA_TASK_ROOT (CommonJS, ESM .mjs, "type":
// "module"), and calls it with the real event, context and callback semantics, including response
// streaming (awslambda.streamifyResponse). Console output is formatted as Lambda formats it.
// CommonJS on purpose: a CommonJS entry starts faster than an ES module one, and ES module handlers
// are still loaded with import().
'use strict';
const http = require('node:http');
const Module = require('node:module');
const { createRequire } = Module;
const { pathToFileURL } = require('node:url');
const { existsSync, readFileSync } = require('node:fs');
const { dirname, join, basename, resolve } = require('node:path');
const { format } = require('node:util');

const API = process.env.AWS_LAMBDA_RUNTIME_API ?? '127.0.0.1:9001';
const colon = API.lastIndexOf(':');
const HOST = API.slice(0, colon);
const PORT = Number(API.slice(colon + 1));
const BASE = '/2018-06-01/runtime';
const agent = new http.Agent({ keepAlive: true });
const TASK_ROOT = process.env.LAMBDA_TASK_ROOT ?? process.cwd();
const RUNTIME = process.env.AWS_EXECUTION_ENV ?? '';
const NODE_MAJOR = Number(/nodejs(\d+)/.exec(RUNTIME)?.[1] ?? process.versions.node.split('.')[0]);
const STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');
const HIGH_WATER_MARK = Symbol.for('aws.lambda.runtime.handler.highWaterMark');

if (process.env.FOGBANK_COMPILE_CACHE && Module.enableCompileCache) {
  try {
    Module.enableCompileCache(process.env.FOGBANK_COMPILE_CACHE);
  } catch {}
}
// Fogbank's own setting is not part of the function's environment.
delete process.env.FOGBANK_COMPILE_CACHE;

// ES modules ignore NODE_PATH; Lambda's runtime still lets them import the SDK it ships and the
// packages of layers, so a bare specifier that fails to resolve is tried again from each NODE_PATH dir.
const searchPath = (process.env.NODE_PATH ?? '').split(':').filter(Boolean);
if (Module.registerHooks && searchPath.length) {
  Module.registerHooks({
    resolve(specifier, context, nextResolve) {
      try {
        return nextResolve(specifier, context);
      } catch (err) {
        if (err?.code !== 'ERR_MODULE_NOT_FOUND' || /^(\.|\/|file:|node:|data:)/.test(specifier)) throw err;
        for (const dir of searchPath) {
          try {
            return nextResolve(specifier, { ...context, parentURL: pathToFileURL(join(dir, '__fogbank_resolve__.mjs')).href });
          } catch {}
        }
        throw err;
      }
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Logging, as the Lambda Node.js runtime formats it

let currentRequestId;
const jsonLogs = process.env.AWS_LAMBDA_LOG_FORMAT === 'JSON';
const LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];
const minLevel = jsonLogs ? Math.max(0, LEVELS.indexOf((process.env.AWS_LAMBDA_LOG_LEVEL ?? 'INFO').toUpperCase())) : 0;

function writeLine(text) {
  // Lambda keeps a multi-line message in one log event; '\r' marks its inner line breaks.
  process.stdout.write(text.replace(/\r?\n/g, '\r') + '\n');
}

function emit(level, args) {
  if (LEVELS.indexOf(level) < minLevel) return;
  const message = format(...args);
  const timestamp = new Date().toISOString();
  if (jsonLogs) {
    const entry = { timestamp, level, requestId: currentRequestId, message };
    if (args.length === 1 && args[0] instanceof Error) {
      entry.errorType = args[0].name;
      entry.errorMessage = args[0].message;
      entry.stackTrace = String(args[0].stack ?? '').split('\n');
    }
    writeLine(JSON.stringify(entry));
  } else writeLine(`${timestamp}\t${currentRequestId}\t${level}\t${message}`);
}

console.log = (...a) => emit('INFO', a);
console.info = (...a) => emit('INFO', a);
console.warn = (...a) => emit('WARN', a);
console.error = (...a) => emit('ERROR', a);
console.debug = (...a) => emit('DEBUG', a);
console.trace = (...a) => emit('TRACE', [format(...a) + '\n' + new Error().stack.split('\n').slice(2).join('\n')]);
console.fatal = (...a) => emit('FATAL', a);

// ---------------------------------------------------------------------------------------------
// Runtime API

function call(method, path, { headers = {}, body } = {}) {
  return new Promise((resolvePromise, reject) => {
    const req = http.request({ host: HOST, port: PORT, method, path: BASE + path, headers, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolvePromise({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

function errorPayload(err) {
  if (err instanceof Error) {
    return { errorType: err.name === 'Error' && err.constructor?.name ? err.constructor.name : err.name, errorMessage: err.message, trace: String(err.stack ?? '').split('\n') };
  }
  if (err && typeof err === 'object') {
    return { errorType: err.errorType ?? err.name ?? 'Error', errorMessage: err.errorMessage ?? err.message ?? JSON.stringify(err), trace: [] };
  }
  return { errorType: typeof err, errorMessage: String(err), trace: [] };
}

async function postError(path, payload) {
  const body = JSON.stringify(payload);
  await call('POST', path, { headers: { 'content-type': 'application/json', 'lambda-runtime-function-error-type': payload.errorType }, body });
}

class RuntimeError extends Error {
  constructor(name, message) {
    super(message);
    this.name = name;
  }
}

// ---------------------------------------------------------------------------------------------
// Loading the handler

function findModule(root, name) {
  for (const ext of ['.js', '.mjs', '.cjs']) {
    const p = resolve(root, name + ext);
    if (existsSync(p)) return p;
  }
  return undefined;
}

function isEsm(file) {
  if (file.endsWith('.mjs')) return true;
  if (file.endsWith('.cjs')) return false;
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        return JSON.parse(readFileSync(pkg, 'utf8')).type === 'module';
      } catch {
        return false;
      }
    }
    if (dir === dirname(dir)) return false;
  }
}

async function loadHandler() {
  const spec = process.env._HANDLER ?? '';
  if (spec.includes('..')) {
    throw new RuntimeError('Runtime.MalformedHandlerName', `'${spec}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`);
  }
  const handlerString = basename(spec);
  const moduleRoot = spec.slice(0, spec.length - handlerString.length);
  const m = /^([^.]*)\.(.*)$/.exec(handlerString);
  if (!m) throw new RuntimeError('Runtime.MalformedHandlerName', 'Bad handler');
  const [, moduleName, handlerPath] = m;
  const root = resolve(TASK_ROOT, moduleRoot);
  let file = findModule(root, moduleName);
  let mod;
  try {
    if (!file) {
      // A module name that is not a file of the package may be a package on NODE_PATH (layers).
      const require = createRequire(join(root, '__fogbank__.js'));
      try {
        file = require.resolve(moduleName, { paths: [root, ...searchPath] });
      } catch {
        throw new RuntimeError('Runtime.ImportModuleError', `Error: Cannot find module '${moduleName}'\nRequire stack:\n- ${join(TASK_ROOT, '__fogbank_runtime__.mjs')}`);
      }
    }
    if (isEsm(file)) mod = await import(pathToFileURL(file).href);
    else {
      try {
        mod = createRequire(file)(file);
      } catch (err) {
        if (err?.code !== 'ERR_REQUIRE_ESM' && err?.code !== 'ERR_REQUIRE_ASYNC_MODULE') throw err;
        mod = await import(pathToFileURL(file).href);
      }
    }
  } catch (err) {
    if (err instanceof RuntimeError) throw err;
    if (err instanceof SyntaxError) throw new RuntimeError('Runtime.UserCodeSyntaxError', `${err.name}: ${err.message}`);
    if (err?.code === 'MODULE_NOT_FOUND' || err?.code === 'ERR_MODULE_NOT_FOUND') {
      const e = new RuntimeError('Runtime.ImportModuleError', `Error: ${err.message}`);
      e.stack = err.stack;
      throw e;
    }
    throw err;
  }
  let handler = mod;
  for (const part of handlerPath.split('.')) handler = handler?.[part];
  if (typeof handler !== 'function' && mod?.default && typeof mod.default === 'object') {
    handler = mod.default;
    for (const part of handlerPath.split('.')) handler = handler?.[part];
  }
  if (typeof handler !== 'function') {
    throw new RuntimeError('Runtime.HandlerNotFound', `${handlerString} is undefined or not exported`);
  }
  if (NODE_MAJOR >= 24 && handler[STREAMING] !== 'response' && handler.length >= 3) {
    throw new RuntimeError(
      'Runtime.CallbackHandlerDeprecated',
      'ERROR: AWS Lambda has removed support for callback-based function handlers starting with Node.js 24. You need to modify this function to use a supported handler signature to use Node.js 24 or later.',
    );
  }
  return handler;
}

// ---------------------------------------------------------------------------------------------
// The global `awslambda` object: response streaming

const HTTP_INTEGRATION = 'application/vnd.awslambda.http-integration-response';

globalThis.awslambda = {
  streamifyResponse(handler, options) {
    handler[STREAMING] = 'response';
    if (options?.highWaterMark) handler[HIGH_WATER_MARK] = options.highWaterMark;
    return handler;
  },
  HttpResponseStream: {
    from(stream, prelude) {
      stream.setContentType(HTTP_INTEGRATION);
      stream.write(JSON.stringify(prelude ?? {}));
      stream.write(Buffer.alloc(8));
      return stream;
    },
  },
};

function openResponseStream(requestId) {
  const req = http.request({
    host: HOST,
    port: PORT,
    method: 'POST',
    path: `${BASE}/invocation/${requestId}/response`,
    agent,
    headers: {
      'lambda-runtime-function-response-mode': 'streaming',
      'transfer-encoding': 'chunked',
      'content-type': 'application/octet-stream',
      trailer: 'Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body',
    },
  });
  const done = new Promise((res) => {
    req.on('response', (r) => {
      r.resume();
      r.on('end', res);
    });
    req.on('error', res);
  });
  req.setContentType = (type) => {
    if (!req.headersSent) req.setHeader('content-type', type);
  };
  req.fail = (err) => {
    const p = errorPayload(err);
    if (!req.headersSent) req.flushHeaders();
    req.addTrailers({
      'Lambda-Runtime-Function-Error-Type': p.errorType,
      'Lambda-Runtime-Function-Error-Body': Buffer.from(JSON.stringify(p)).toString('base64'),
    });
    req.end();
  };
  return { stream: req, done };
}

// ---------------------------------------------------------------------------------------------
// Invocations

function makeContext(headers) {
  const deadline = Number(headers['lambda-runtime-deadline-ms']);
  const context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    invokedFunctionArn: headers['lambda-runtime-invoked-function-arn'],
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: headers['lambda-runtime-aws-request-id'],
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    identity: undefined,
    clientContext: undefined,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  const cc = headers['lambda-runtime-client-context'];
  if (cc) {
    try {
      context.clientContext = JSON.parse(cc);
    } catch {}
  }
  const ci = headers['lambda-runtime-cognito-identity'];
  if (ci) {
    try {
      const id = JSON.parse(ci);
      context.identity = { cognitoIdentityId: id.cognitoIdentityId, cognitoIdentityPoolId: id.cognitoIdentityPoolId };
    } catch {}
  }
  return context;
}

/** Runs a buffered-response handler: resolves with { ok } or { error } by Lambda's rules. */
function runHandler(handler, event, context) {
  return new Promise((settle) => {
    let settled = false;
    let pending;
    const finish = (outcome) => {
      if (settled) return;
      settled = true;
      process.removeListener('beforeExit', onEmptyLoop);
      settle(outcome);
    };
    // With callbackWaitsForEmptyEventLoop, the answer goes once nothing else is left to run.
    const onEmptyLoop = () => finish(pending ?? { ok: null });
    const callback = (err, data) => {
      if (pending) return;
      pending = err !== undefined && err !== null ? { error: err } : { ok: data };
      if (!context.callbackWaitsForEmptyEventLoop) finish(pending);
    };
    context.done = (err, data) => callback(err, data);
    context.succeed = (data) => callback(null, data);
    context.fail = (err) => callback(err ?? 'handled');
    process.on('beforeExit', onEmptyLoop);
    let ret;
    try {
      ret = handler(event, context, callback);
    } catch (err) {
      finish({ error: err });
      return;
    }
    if (ret && typeof ret.then === 'function') {
      ret.then(
        (value) => finish(pending ?? { ok: value }),
        (err) => finish({ error: err ?? new Error('Promise rejected with no reason') }),
      );
    }
  });
}

let current; // { requestId, stream? }

async function invokeOnce(handler) {
  const next = await call('GET', '/invocation/next');
  if (next.status !== 200) throw new Error(`runtime API answered ${next.status} to next`);
  const requestId = next.headers['lambda-runtime-aws-request-id'];
  const traceId = next.headers['lambda-runtime-trace-id'];
  if (traceId) process.env._X_AMZN_TRACE_ID = traceId;
  else delete process.env._X_AMZN_TRACE_ID;
  currentRequestId = requestId;
  current = { requestId };
  const context = makeContext(next.headers);
  let event;
  try {
    event = JSON.parse(next.body.toString('utf8') || 'null');
  } catch {
    event = next.body.toString('utf8');
  }
  if (handler[STREAMING] === 'response') {
    const { stream, done } = openResponseStream(requestId);
    current.stream = stream;
    try {
      await handler(event, stream, context);
      if (!stream.writableEnded) stream.end();
    } catch (err) {
      logInvokeError(err);
      stream.fail(err);
    }
    await done;
  } else {
    const outcome = await runHandler(handler, event, context);
    if ('error' in outcome) {
      logInvokeError(outcome.error);
      await postError(`/invocation/${requestId}/error`, errorPayload(outcome.error));
    } else {
      let body;
      try {
        body = JSON.stringify(outcome.ok === undefined ? null : outcome.ok);
      } catch (err) {
        const e = new RuntimeError('Runtime.MarshalError', `Unable to stringify response body: ${err.message}`);
        logInvokeError(e);
        await postError(`/invocation/${requestId}/error`, errorPayload(e));
        current = undefined;
        return;
      }
      await call('POST', `/invocation/${requestId}/response`, { headers: { 'content-type': 'application/json' }, body: body ?? 'null' });
    }
  }
  current = undefined;
}

function logInvokeError(err) {
  const p = errorPayload(err);
  console.error('Invoke Error', '\t' + JSON.stringify({ errorType: p.errorType, errorMessage: p.errorMessage, stack: p.trace }));
}

async function fatal(kind, err) {
  const p = kind === 'Runtime.UnhandledPromiseRejection'
    ? { errorType: kind, errorMessage: err instanceof Error ? `${err.name}: ${err.message}` : String(err), trace: err instanceof Error ? String(err.stack).split('\n') : [] }
    : errorPayload(err);
  console.error(kind === 'Runtime.UnhandledPromiseRejection' ? 'Unhandled Promise Rejection' : 'Uncaught Exception', '\t' + JSON.stringify({ errorType: p.errorType, errorMessage: p.errorMessage, stack: p.trace }));
  try {
    if (current?.stream) current.stream.fail(err);
    else if (current) await postError(`/invocation/${current.requestId}/error`, p);
    else await postError('/init/error', p);
  } finally {
    process.exit(129);
  }
}

process.on('uncaughtException', (err) => fatal('Uncaught Exception', err));
process.on('unhandledRejection', (reason) => fatal('Runtime.UnhandledPromiseRejection', reason));

async function main() {
  let handler;
  try {
    handler = await loadHandler();
  } catch (err) {
    const p = errorPayload(err);
    console.error('Uncaught Exception', '\t' + JSON.stringify({ errorType: p.errorType, errorMessage: p.errorMessage, stack: p.trace }));
    await postError('/init/error', p);
    process.exit(129);
  }
  for (;;) await invokeOnce(handler);
}

main().catch((err) => {
  // The Runtime API went away (Fogbank stopped): nothing left to do.
  process.stderr.write(`runtime client stopped: ${err?.message ?? err}\n`);
  process.exit(1);
});
