// Service-linked roles: made for an AWS service, under /aws-service-role/<service>/, named by that
// service, trusted only by it, and changed or deleted only through these operations.
import { randomUUID } from 'node:crypto';
import type {
  CreateServiceLinkedRoleRequest, CreateServiceLinkedRoleResponse, DeleteServiceLinkedRoleRequest, DeleteServiceLinkedRoleResponse,
  GetServiceLinkedRoleDeletionStatusRequest, GetServiceLinkedRoleDeletionStatusResponse,
} from '../generated/types.ts';
import { invalidInput, noSuchEntity } from '../errors.ts';
import { requireEntity } from '../lookup.ts';
import { roleShape } from '../shapes.ts';
import { checkDeletable } from '../conflicts.ts';
import { insertRole, SERVICE_ROLE_PATH } from './roles.ts';
import type { Ctx } from '../store.ts';

/** The role names AWS services give their service-linked roles (IAM User Guide, "AWS services that work with IAM"). */
const ROLE_NAMES: Record<string, string> = {
  'autoscaling.amazonaws.com': 'AWSServiceRoleForAutoScaling',
  'elasticloadbalancing.amazonaws.com': 'AWSServiceRoleForElasticLoadBalancing',
  'ecs.amazonaws.com': 'AWSServiceRoleForECS',
  'eks.amazonaws.com': 'AWSServiceRoleForAmazonEKS',
  'eks-nodegroup.amazonaws.com': 'AWSServiceRoleForAmazonEKSNodegroup',
  'rds.amazonaws.com': 'AWSServiceRoleForRDS',
  'elasticache.amazonaws.com': 'AWSServiceRoleForElastiCache',
  'elasticbeanstalk.amazonaws.com': 'AWSServiceRoleForElasticBeanstalk',
  'es.amazonaws.com': 'AWSServiceRoleForAmazonElasticsearchService',
  'opensearchservice.amazonaws.com': 'AWSServiceRoleForAmazonOpenSearchService',
  'spot.amazonaws.com': 'AWSServiceRoleForEC2Spot',
  'spotfleet.amazonaws.com': 'AWSServiceRoleForEC2SpotFleet',
  'organizations.amazonaws.com': 'AWSServiceRoleForOrganizations',
  'sso.amazonaws.com': 'AWSServiceRoleForSSO',
  'cloudtrail.amazonaws.com': 'AWSServiceRoleForCloudTrail',
  'config.amazonaws.com': 'AWSServiceRoleForConfig',
  'redshift.amazonaws.com': 'AWSServiceRoleForRedshift',
  'guardduty.amazonaws.com': 'AWSServiceRoleForAmazonGuardDuty',
  'support.amazonaws.com': 'AWSServiceRoleForSupport',
  'trustedadvisor.amazonaws.com': 'AWSServiceRoleForTrustedAdvisor',
  'apigateway.amazonaws.com': 'AWSServiceRoleForAPIGateway',
  'replicator.lambda.amazonaws.com': 'AWSServiceRoleForLambdaReplicator',
  'dynamodb.application-autoscaling.amazonaws.com': 'AWSServiceRoleForApplicationAutoScaling_DynamoDBTable',
  'ecs.application-autoscaling.amazonaws.com': 'AWSServiceRoleForApplicationAutoScaling_ECSService',
};

/** A service outside the table gets AWSServiceRoleFor + its name's labels in PascalCase. */
function roleNameFor(service: string): string {
  const known = ROLE_NAMES[service];
  if (known) return known;
  const labels = service.replace(/\.amazonaws\.com(\.cn)?$/, '').split(/[.-]/).filter(Boolean);
  return 'AWSServiceRoleFor' + labels.map((l) => l[0].toUpperCase() + l.slice(1)).join('');
}

export async function createServiceLinkedRole(input: CreateServiceLinkedRoleRequest, ctx: Ctx): Promise<CreateServiceLinkedRoleResponse> {
  const service = input.AWSServiceName;
  if (!/^([a-z0-9-]+\.)+amazonaws\.com(\.cn)?$/.test(service)) throw invalidInput(`Invalid service name: ${service}`);
  const name = input.CustomSuffix ? `${roleNameFor(service)}_${input.CustomSuffix}` : roleNameFor(service);
  const trustPolicy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: [service] }, Action: ['sts:AssumeRole'] }] });
  if (await ctx.state.entity(ctx.account, 'role', name)) {
    throw invalidInput(`Service role name ${name} has been taken in this account, please try a different suffix.`);
  }
  const row = await insertRole(ctx, { name, path: `${SERVICE_ROLE_PATH}${service}/`, trustPolicy, description: input.Description });
  const { RoleLastUsed: _, ...role } = roleShape(row);
  return { Role: role };
}

export async function deleteServiceLinkedRole(input: DeleteServiceLinkedRoleRequest, ctx: Ctx): Promise<DeleteServiceLinkedRoleResponse> {
  return await ctx.state.unit(async () => {
    const role = await requireEntity(ctx, 'role', input.RoleName);
    if (!role.path.startsWith(SERVICE_ROLE_PATH)) throw invalidInput(`Role ${role.name} is not a service-linked role.`);
    await checkDeletable(ctx, role);
    await ctx.state.deleteEntity(role.id);
    // The service has nothing to clean up in Fogbank: the deletion task has succeeded at once.
    const task = `task${role.path}${role.name}/${randomUUID()}`;
    await ctx.state.putSetting(ctx.account, `deletion-task:${task}`, 'SUCCEEDED');
    return { DeletionTaskId: task };
  });
}

export async function getServiceLinkedRoleDeletionStatus(input: GetServiceLinkedRoleDeletionStatusRequest, ctx: Ctx): Promise<GetServiceLinkedRoleDeletionStatusResponse> {
  const status = await ctx.state.setting(ctx.account, `deletion-task:${input.DeletionTaskId}`);
  if (status === undefined) throw noSuchEntity(`Deletion task ${input.DeletionTaskId} cannot be found.`);
  return { Status: status };
}

