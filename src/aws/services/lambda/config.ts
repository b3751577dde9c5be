// A function version's configuration: what is stored (the members a user sets), how CreateFunction
// and UpdateFunctionConfiguration inputs are checked (in Lambda's own words), and the
// FunctionConfiguration answered for it.
import type * as T from './generated/types.ts';
import type { FunctionRow, LambdaTables, VersionRow } from './store.ts';
import { invalidParameter, functionArn, lambdaTime, validation, parseLayerVersionArn } from './names.ts';
import { isDeprecated, runtimeInfo, RUNTIME_NAMES, runtimeVersionArn, successorOf } from './runtimes.ts';

export interface StoredLayer {
  Arn: string;
  CodeSize: number;
  CodeSha256: string;
  Blob: string;
}

export interface StoredConfig {
  PackageType: 'Zip' | 'Image';
  Runtime?: string;
  Role: string;
  Handler?: string;
  Description: string;
  Timeout: number;
  MemorySize: number;
  Environment?: Record<string, string>;
  DeadLetterConfig?: { TargetArn?: string };
  KMSKeyArn?: string;
  TracingConfig: { Mode: string };
  Layers: StoredLayer[];
  VpcConfig?: { SubnetIds: string[]; SecurityGroupIds: string[]; Ipv6AllowedForDualStack?: boolean };
  ImageUri?: string;
  ImageConfig?: T.ImageConfig;
  Architectures: string[];
  EphemeralStorage: { Size: number };
  SnapStart: { ApplyOn: string };
  LoggingConfig: { LogFormat: string; LogGroup: string; ApplicationLogLevel?: string; SystemLogLevel?: string };
  FileSystemConfigs?: Array<{ Arn: string; LocalMountPath: string }>;
}

export const RESERVED_VARIABLES = [
  '_HANDLER', '_X_AMZN_TRACE_ID', 'AWS_DEFAULT_REGION', 'AWS_REGION', 'AWS_EXECUTION_ENV', 'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE', 'AWS_LAMBDA_FUNCTION_VERSION', 'AWS_LAMBDA_INITIALIZATION_TYPE', 'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME', 'AWS_ACCESS_KEY', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API', 'LAMBDA_TASK_ROOT', 'LAMBDA_RUNTIME_DIR',
];

const ROLE_RE = /^arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+$/;
const ROLE_PATTERN = 'arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+';

type ConfigInput = Partial<T.CreateFunctionRequest> & Partial<T.UpdateFunctionConfigurationRequest>;

/**
 * Applies the configuration members of a CreateFunction or UpdateFunctionConfiguration request over
 * `base` and checks the result. Layers are resolved to stored layer versions by `findLayer`.
 */
export async function applyConfig(
  name: string,
  base: StoredConfig,
  input: ConfigInput,
  findLayer: (arn: string) => Promise<StoredLayer | undefined>,
): Promise<StoredConfig> {
  const c: StoredConfig = structuredClone(base);
  if (input.Role !== undefined) {
    if (!ROLE_RE.test(input.Role)) throw validation('role', input.Role, `Member must satisfy regular expression pattern: ${ROLE_PATTERN}`);
    c.Role = input.Role;
  }
  if (input.Runtime !== undefined) {
    if (isDeprecated(input.Runtime)) {
      throw invalidParameter(
        `The runtime parameter of ${input.Runtime} is no longer supported for creating or updating AWS Lambda functions. We recommend you use the new runtime (${successorOf(input.Runtime)}) while creating or updating functions.`,
      );
    }
    if (!runtimeInfo(input.Runtime)) {
      throw validation('runtime', input.Runtime, `Member must satisfy enum value set: [${RUNTIME_NAMES.join(', ')}] or be a valid ARN`);
    }
    c.Runtime = input.Runtime;
  }
  if (input.Handler !== undefined) {
    if (input.Handler.length > 128 || !/^[^\s]+$/.test(input.Handler)) {
      throw validation('handler', input.Handler, 'Member must satisfy regular expression pattern: [^\\s]+');
    }
    c.Handler = input.Handler;
  }
  if (input.Description !== undefined) {
    if (input.Description.length > 256) throw validation('description', input.Description, 'Member must have length less than or equal to 256');
    c.Description = input.Description;
  }
  if (input.Timeout !== undefined) {
    if (input.Timeout < 1) throw validation('timeout', String(input.Timeout), 'Member must have value greater than or equal to 1');
    if (input.Timeout > 900) throw validation('timeout', String(input.Timeout), 'Member must have value less than or equal to 900');
    c.Timeout = input.Timeout;
  }
  if (input.MemorySize !== undefined) {
    if (input.MemorySize < 128) throw validation('memorySize', String(input.MemorySize), 'Member must have value greater than or equal to 128');
    if (input.MemorySize > 10240) throw validation('memorySize', String(input.MemorySize), 'Member must have value less than or equal to 10240');
    c.MemorySize = input.MemorySize;
  }
  if (input.EphemeralStorage !== undefined) {
    const size = input.EphemeralStorage.Size;
    if (size < 512 || size > 10240) {
      throw validation('ephemeralStorage.size', String(size), `Member must have value ${size < 512 ? 'greater than or equal to 512' : 'less than or equal to 10240'}`);
    }
    c.EphemeralStorage = { Size: size };
  }
  if (input.Environment !== undefined) {
    const vars = input.Environment.Variables ?? {};
    const reserved = Object.keys(vars).filter((k) => RESERVED_VARIABLES.includes(k));
    if (reserved.length) {
      throw invalidParameter(
        `Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: ${reserved.join(', ')}`,
      );
    }
    for (const k of Object.keys(vars)) {
      if (!/^[a-zA-Z]([a-zA-Z0-9_])+$/.test(k)) {
        throw validation('environment.variables', k, 'Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+');
      }
    }
    const measured = JSON.stringify(vars);
    if (Buffer.byteLength(measured) > 4096) {
      throw invalidParameter(
        `Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: ${measured}`,
      );
    }
    c.Environment = vars;
  }
  if (input.DeadLetterConfig !== undefined) {
    const target = input.DeadLetterConfig.TargetArn;
    if (target && !/^arn:[^:]+:(sqs|sns):/.test(target)) {
      throw invalidParameter(`The provided target arn is invalid: ${target}. Only SQS queues and SNS topics can be dead-letter targets.`);
    }
    c.DeadLetterConfig = target ? { TargetArn: target } : undefined;
  }
  if (input.KMSKeyArn !== undefined) c.KMSKeyArn = input.KMSKeyArn || undefined;
  if (input.TracingConfig?.Mode !== undefined) {
    if (input.TracingConfig.Mode !== 'Active' && input.TracingConfig.Mode !== 'PassThrough') {
      throw validation('tracingConfig.mode', input.TracingConfig.Mode, 'Member must satisfy enum value set: [Active, PassThrough]');
    }
    c.TracingConfig = { Mode: input.TracingConfig.Mode };
  }
  if (input.VpcConfig !== undefined) {
    const v = input.VpcConfig;
    c.VpcConfig = v.SubnetIds?.length || v.SecurityGroupIds?.length
      ? { SubnetIds: v.SubnetIds ?? [], SecurityGroupIds: v.SecurityGroupIds ?? [], Ipv6AllowedForDualStack: v.Ipv6AllowedForDualStack }
      : undefined;
  }
  if (input.Layers !== undefined) {
    if (input.Layers.length > 5) throw invalidParameter('Cannot reference more than 5 layers.');
    const layers: StoredLayer[] = [];
    for (const arn of input.Layers) {
      if (!parseLayerVersionArn(arn)) {
        throw validation('layers', arn, 'Member must satisfy regular expression pattern: arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+');
      }
      const l = await findLayer(arn);
      if (!l) throw invalidParameter(`Layer version ${arn} does not exist.`);
      layers.push(l);
    }
    c.Layers = layers;
  }
  if (input.Architectures !== undefined) {
    if (input.Architectures.length !== 1) throw validation('architectures', `[${input.Architectures.join(', ')}]`, 'Member must have length less than or equal to 1');
    if (input.Architectures[0] !== 'x86_64' && input.Architectures[0] !== 'arm64') {
      throw validation('architectures', `[${input.Architectures[0]}]`, 'Member must satisfy enum value set: [x86_64, arm64]');
    }
    c.Architectures = [...input.Architectures];
  }
  if (input.ImageConfig !== undefined) c.ImageConfig = input.ImageConfig;
  if (input.SnapStart?.ApplyOn !== undefined) c.SnapStart = { ApplyOn: input.SnapStart.ApplyOn };
  if (input.FileSystemConfigs !== undefined) c.FileSystemConfigs = input.FileSystemConfigs.map((f) => ({ Arn: f.Arn, LocalMountPath: f.LocalMountPath }));
  if (input.LoggingConfig !== undefined) {
    const l = input.LoggingConfig;
    const format = l.LogFormat ?? c.LoggingConfig.LogFormat;
    if (format !== 'Text' && format !== 'JSON') throw validation('loggingConfig.logFormat', format, 'Member must satisfy enum value set: [JSON, Text]');
    if (format === 'Text' && (l.ApplicationLogLevel || l.SystemLogLevel)) {
      throw invalidParameter('ApplicationLogLevel and SystemLogLevel can only be set if LogFormat is JSON.');
    }
    c.LoggingConfig = {
      LogFormat: format,
      LogGroup: l.LogGroup ?? c.LoggingConfig.LogGroup ?? `/aws/lambda/${name}`,
      ...(format === 'JSON' ? { ApplicationLogLevel: l.ApplicationLogLevel ?? 'INFO', SystemLogLevel: l.SystemLogLevel ?? 'INFO' } : {}),
    };
  }
  if (c.PackageType === 'Zip' && (!c.Runtime || !c.Handler)) {
    throw invalidParameter('Runtime and Handler are mandatory parameters for functions created with deployment packages.');
  }
  return c;
}

export function defaultConfig(name: string, packageType: 'Zip' | 'Image', role: string): StoredConfig {
  return {
    PackageType: packageType,
    Role: role,
    Description: '',
    Timeout: 3,
    MemorySize: 128,
    TracingConfig: { Mode: 'PassThrough' },
    Layers: [],
    Architectures: ['x86_64'],
    EphemeralStorage: { Size: 512 },
    SnapStart: { ApplyOn: 'None' },
    LoggingConfig: { LogFormat: 'Text', LogGroup: `/aws/lambda/${name}` },
  };
}

export function parseConfig(v: VersionRow): StoredConfig {
  return JSON.parse(v.config) as StoredConfig;
}

/** The FunctionConfiguration of a version. */
export function describeVersion(fn: FunctionRow, v: VersionRow): T.FunctionConfiguration {
  const c = parseConfig(v);
  const out: T.FunctionConfiguration = {
    FunctionName: fn.name,
    FunctionArn: functionArn(fn.account, fn.region, fn.name, v.version === '$LATEST' ? undefined : v.version),
    Runtime: c.Runtime,
    Role: c.Role,
    Handler: c.Handler,
    CodeSize: v.code_size,
    Description: c.Description,
    Timeout: c.Timeout,
    MemorySize: c.MemorySize,
    LastModified: lambdaTime(v.last_modified),
    CodeSha256: v.code_sha256,
    Version: v.version,
    TracingConfig: c.TracingConfig,
    RevisionId: v.revision_id,
    State: v.state,
    StateReason: v.state_reason ?? undefined,
    StateReasonCode: v.state_reason_code ?? undefined,
    LastUpdateStatus: v.last_update_status,
    PackageType: c.PackageType,
    Architectures: c.Architectures,
    EphemeralStorage: c.EphemeralStorage,
    SnapStart: { ApplyOn: c.SnapStart.ApplyOn, OptimizationStatus: 'Off' },
    LoggingConfig: c.LoggingConfig,
  };
  if (c.Runtime) out.RuntimeVersionConfig = { RuntimeVersionArn: runtimeVersionArn(fn.region, c.Runtime) };
  if (c.Environment) out.Environment = { Variables: c.Environment };
  if (c.DeadLetterConfig?.TargetArn) out.DeadLetterConfig = c.DeadLetterConfig;
  if (c.KMSKeyArn) out.KMSKeyArn = c.KMSKeyArn;
  if (c.Layers.length) out.Layers = c.Layers.map((l) => ({ Arn: l.Arn, CodeSize: l.CodeSize }));
  if (c.VpcConfig) out.VpcConfig = { ...c.VpcConfig, VpcId: `vpc-${hash8(c.VpcConfig.SubnetIds.join(','))}` };
  if (c.ImageConfig) out.ImageConfigResponse = { ImageConfig: c.ImageConfig };
  if (c.FileSystemConfigs?.length) out.FileSystemConfigs = c.FileSystemConfigs;
  return out;
}

function hash8(s: string): string {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return (h >>> 0).toString(16).padStart(8, '0') + 'f0e1d2c3b';
}

/** Finds a layer version by ARN in the tables, as a function references it. */
export function layerFinder(tables: LambdaTables): (arn: string) => Promise<StoredLayer | undefined> {
  return async (arn) => {
    const p = parseLayerVersionArn(arn);
    if (!p) return undefined;
    const l = await tables.layer(p.account, p.region, p.name, p.version);
    return l ? { Arn: arn, CodeSize: l.code_size, CodeSha256: l.code_sha256, Blob: l.code_blob } : undefined;
  };
}
