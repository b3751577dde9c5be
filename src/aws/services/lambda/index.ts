// AWS Lambda, without Docker: functions run as local processes (Node.js on Fogbank's Node, Python on
// the local python3, custom runtimes through their bootstrap) that talk to Fogbank's own Runtime API.
// Versions, aliases, layers, URLs, concurrency, asynchronous invocation with retries and
// destinations, event source mappings, and every invocation's log in CloudWatch Logs.
import { readFileSync } from 'node:fs';
import { defineService } from '../../service.ts';
import type { ServiceModel } from '../../protocol/model.ts';
import type { LambdaHandlers } from './generated/types.ts';
import { LambdaState } from './state.ts';
import { intercept } from './intercept.ts';
import { deliver } from './deliver.ts';
import { lambdaAdmin } from './admin.ts';
import * as functions from './operations/functions.ts';
import * as versions from './operations/versions.ts';
import * as aliases from './operations/aliases.ts';
import * as tags from './operations/tags.ts';
import * as invoke from './operations/invoke.ts';
import * as policy from './operations/policy.ts';
import * as concurrency from './operations/concurrency.ts';
import * as layers from './operations/layers.ts';
import * as invokeConfig from './operations/invoke-config.ts';
import * as codeSigning from './operations/code-signing.ts';
import * as settings from './operations/settings.ts';
import * as urls from './operations/urls.ts';
import * as mappings from './operations/mappings.ts';

const model: ServiceModel = JSON.parse(readFileSync(new URL('./generated/model.json', import.meta.url), 'utf8'));

export default defineService<LambdaHandlers, LambdaState>({
  name: 'lambda',
  model,
  state: (env) => new LambdaState(env),
  start: (_env, state) => state.start(),
  intercept,
  deliver,
  admin: lambdaAdmin,
  handlers: {
    CreateFunction: functions.createFunction,
    GetFunction: functions.getFunction,
    GetFunctionConfiguration: functions.getFunctionConfiguration,
    UpdateFunctionCode: functions.updateFunctionCode,
    UpdateFunctionConfiguration: functions.updateFunctionConfiguration,
    DeleteFunction: functions.deleteFunction,
    ListFunctions: functions.listFunctions,
    PublishVersion: versions.publishVersion,
    ListVersionsByFunction: versions.listVersionsByFunction,
    CreateAlias: aliases.createAlias,
    GetAlias: aliases.getAlias,
    UpdateAlias: aliases.updateAlias,
    DeleteAlias: aliases.deleteAlias,
    ListAliases: aliases.listAliases,
    TagResource: tags.tagResource,
    UntagResource: tags.untagResource,
    ListTags: tags.listTags,
    Invoke: invoke.invoke,
    InvokeAsync: invoke.invokeAsync,
    InvokeWithResponseStream: invoke.invokeWithResponseStream,
    AddPermission: policy.addPermission,
    RemovePermission: policy.removePermission,
    GetPolicy: policy.getPolicy,
    AddLayerVersionPermission: policy.addLayerVersionPermission,
    RemoveLayerVersionPermission: policy.removeLayerVersionPermission,
    GetLayerVersionPolicy: policy.getLayerVersionPolicy,
    PutFunctionConcurrency: concurrency.putFunctionConcurrency,
    GetFunctionConcurrency: concurrency.getFunctionConcurrency,
    DeleteFunctionConcurrency: concurrency.deleteFunctionConcurrency,
    PutProvisionedConcurrencyConfig: concurrency.putProvisionedConcurrencyConfig,
    GetProvisionedConcurrencyConfig: concurrency.getProvisionedConcurrencyConfig,
    DeleteProvisionedConcurrencyConfig: concurrency.deleteProvisionedConcurrencyConfig,
    ListProvisionedConcurrencyConfigs: concurrency.listProvisionedConcurrencyConfigs,
    GetAccountSettings: concurrency.getAccountSettings,
    PublishLayerVersion: layers.publishLayerVersion,
    GetLayerVersion: layers.getLayerVersion,
    GetLayerVersionByArn: layers.getLayerVersionByArn,
    DeleteLayerVersion: layers.deleteLayerVersion,
    ListLayers: layers.listLayers,
    ListLayerVersions: layers.listLayerVersions,
    PutFunctionEventInvokeConfig: invokeConfig.putFunctionEventInvokeConfig,
    UpdateFunctionEventInvokeConfig: invokeConfig.updateFunctionEventInvokeConfig,
    GetFunctionEventInvokeConfig: invokeConfig.getFunctionEventInvokeConfig,
    DeleteFunctionEventInvokeConfig: invokeConfig.deleteFunctionEventInvokeConfig,
    ListFunctionEventInvokeConfigs: invokeConfig.listFunctionEventInvokeConfigs,
    CreateCodeSigningConfig: codeSigning.createCodeSigningConfig,
    GetCodeSigningConfig: codeSigning.getCodeSigningConfig,
    UpdateCodeSigningConfig: codeSigning.updateCodeSigningConfig,
    DeleteCodeSigningConfig: codeSigning.deleteCodeSigningConfig,
    ListCodeSigningConfigs: codeSigning.listCodeSigningConfigs,
    PutFunctionCodeSigningConfig: codeSigning.putFunctionCodeSigningConfig,
    GetFunctionCodeSigningConfig: codeSigning.getFunctionCodeSigningConfig,
    DeleteFunctionCodeSigningConfig: codeSigning.deleteFunctionCodeSigningConfig,
    ListFunctionsByCodeSigningConfig: codeSigning.listFunctionsByCodeSigningConfig,
    GetRuntimeManagementConfig: settings.getRuntimeManagementConfig,
    PutRuntimeManagementConfig: settings.putRuntimeManagementConfig,
    GetFunctionRecursionConfig: settings.getFunctionRecursionConfig,
    PutFunctionRecursionConfig: settings.putFunctionRecursionConfig,
    CreateFunctionUrlConfig: urls.createFunctionUrlConfig,
    GetFunctionUrlConfig: urls.getFunctionUrlConfig,
    UpdateFunctionUrlConfig: urls.updateFunctionUrlConfig,
    DeleteFunctionUrlConfig: urls.deleteFunctionUrlConfig,
    ListFunctionUrlConfigs: urls.listFunctionUrlConfigs,
    CreateEventSourceMapping: mappings.createEventSourceMapping,
    GetEventSourceMapping: mappings.getEventSourceMapping,
    UpdateEventSourceMapping: mappings.updateEventSourceMapping,
    DeleteEventSourceMapping: mappings.deleteEventSourceMapping,
    ListEventSourceMappings: mappings.listEventSourceMappings,
  },
});
