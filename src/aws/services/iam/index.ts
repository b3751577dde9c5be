// AWS Identity and Access Management, the control plane: users, groups, roles, managed and inline
// policies, permission boundaries, access keys (issued through the core's accounts, so a request signed
// with one acts as its user), instance profiles, login profiles and account settings. IAM is global:
// its state is scoped by account only, and its ARNs carry no region. Enforcing the policies is the
// chain's authorize step (DESIGN.md §8), not this service.
import { readFileSync } from 'node:fs';
import { defineService } from '../../service.ts';
import type { ServiceModel } from '../../protocol/model.ts';
import type { IamHandlers } from './generated/types.ts';
import { IamStore } from './store.ts';
import { createUser, deleteUser, getUser, listUsers, updateUser } from './operations/users.ts';
import {
  addUserToGroup, createGroup, deleteGroup, getGroup, listGroups, listGroupsForUser, removeUserFromGroup, updateGroup,
} from './operations/groups.ts';
import {
  createRole, deleteRole, getRole, listRoles, updateAssumeRolePolicy, updateRole, updateRoleDescription,
} from './operations/roles.ts';
import {
  listInstanceProfileTags, listPolicyTags, listRoleTags, listUserTags, tagInstanceProfile, tagPolicy, tagRole, tagUser,
  untagInstanceProfile, untagPolicy, untagRole, untagUser,
} from './operations/tags.ts';
import {
  createPolicy, createPolicyVersion, deletePolicy, deletePolicyVersion, getPolicy, getPolicyVersion, listPolicies,
  listPolicyVersions, setDefaultPolicyVersion,
} from './operations/policies.ts';
import {
  attachGroupPolicy, attachRolePolicy, attachUserPolicy, deleteRolePermissionsBoundary, deleteUserPermissionsBoundary,
  detachGroupPolicy, detachRolePolicy, detachUserPolicy, listAttachedGroupPolicies, listAttachedRolePolicies,
  listAttachedUserPolicies, listEntitiesForPolicy, putRolePermissionsBoundary, putUserPermissionsBoundary,
} from './operations/attachments.ts';
import {
  deleteGroupPolicy, deleteRolePolicy, deleteUserPolicy, getGroupPolicy, getRolePolicy, getUserPolicy, listGroupPolicies,
  listRolePolicies, listUserPolicies, putGroupPolicy, putRolePolicy, putUserPolicy,
} from './operations/inline-policies.ts';
import { createAccessKey, deleteAccessKey, getAccessKeyLastUsed, listAccessKeys, updateAccessKey } from './operations/access-keys.ts';
import {
  addRoleToInstanceProfile, createInstanceProfile, deleteInstanceProfile, getInstanceProfile, listInstanceProfiles,
  listInstanceProfilesForRole, removeRoleFromInstanceProfile,
} from './operations/instance-profiles.ts';
import { createLoginProfile, deleteLoginProfile, getLoginProfile, updateLoginProfile } from './operations/login-profiles.ts';
import {
  createAccountAlias, deleteAccountAlias, deleteAccountPasswordPolicy, getAccountAuthorizationDetails, getAccountPasswordPolicy,
  getAccountSummary, listAccountAliases, updateAccountPasswordPolicy,
} from './operations/account.ts';
import { createServiceLinkedRole, deleteServiceLinkedRole, getServiceLinkedRoleDeletionStatus } from './operations/service-linked-roles.ts';
import {
  createVirtualMFADevice, deactivateMFADevice, deleteVirtualMFADevice, enableMFADevice, getMFADevice, listMFADevices, listMFADeviceTags,
  listVirtualMFADevices, resyncMFADevice, tagMFADevice, untagMFADevice,
} from './operations/mfa-devices.ts';
import { deleteSSHPublicKey, getSSHPublicKey, listSSHPublicKeys, updateSSHPublicKey, uploadSSHPublicKey } from './operations/ssh-public-keys.ts';
import {
  deleteSigningCertificate, listSigningCertificates, updateSigningCertificate, uploadSigningCertificate,
} from './operations/signing-certificates.ts';
import {
  deleteServerCertificate, getServerCertificate, listServerCertificates, listServerCertificateTags, tagServerCertificate,
  untagServerCertificate, updateServerCertificate, uploadServerCertificate,
} from './operations/server-certificates.ts';
import {
  addClientIDToOpenIDConnectProvider, createOpenIDConnectProvider, deleteOpenIDConnectProvider, getOpenIDConnectProvider,
  listOpenIDConnectProviders, listOpenIDConnectProviderTags, removeClientIDFromOpenIDConnectProvider, tagOpenIDConnectProvider,
  untagOpenIDConnectProvider, updateOpenIDConnectProviderThumbprint,
} from './operations/oidc-providers.ts';
import {
  createSAMLProvider, deleteSAMLProvider, getSAMLProvider, listSAMLProviders, listSAMLProviderTags, tagSAMLProvider, untagSAMLProvider,
  updateSAMLProvider,
} from './operations/saml-providers.ts';
import { generateCredentialReport, getCredentialReport } from './operations/credential-report.ts';
import { changePassword } from './operations/change-password.ts';
import {
  createServiceSpecificCredential, deleteServiceSpecificCredential, listServiceSpecificCredentials, resetServiceSpecificCredential,
  updateServiceSpecificCredential,
} from './operations/service-specific-credentials.ts';
import { getContextKeysForCustomPolicy, getContextKeysForPrincipalPolicy } from './operations/policy-context.ts';
import { setSecurityTokenServicePreferences } from './operations/sts-preferences.ts';
import { simulateCustomPolicy, simulatePrincipalPolicy } from './operations/simulate.ts';
import { listPoliciesGrantingServiceAccess } from './operations/policies-granting-access.ts';

const model: ServiceModel = JSON.parse(readFileSync(new URL('./generated/model.json', import.meta.url), 'utf8'));

export default defineService<IamHandlers, IamStore>({
  name: 'iam',
  model,
  state: (env) => new IamStore(env),
  handlers: {
    CreateUser: createUser,
    GetUser: getUser,
    ListUsers: listUsers,
    UpdateUser: updateUser,
    DeleteUser: deleteUser,
    CreateGroup: createGroup,
    GetGroup: getGroup,
    ListGroups: listGroups,
    ListGroupsForUser: listGroupsForUser,
    UpdateGroup: updateGroup,
    DeleteGroup: deleteGroup,
    AddUserToGroup: addUserToGroup,
    RemoveUserFromGroup: removeUserFromGroup,
    CreateRole: createRole,
    GetRole: getRole,
    ListRoles: listRoles,
    UpdateRole: updateRole,
    UpdateRoleDescription: updateRoleDescription,
    UpdateAssumeRolePolicy: updateAssumeRolePolicy,
    DeleteRole: deleteRole,
    TagUser: tagUser,
    UntagUser: untagUser,
    ListUserTags: listUserTags,
    TagRole: tagRole,
    UntagRole: untagRole,
    ListRoleTags: listRoleTags,
    TagInstanceProfile: tagInstanceProfile,
    UntagInstanceProfile: untagInstanceProfile,
    ListInstanceProfileTags: listInstanceProfileTags,
    TagPolicy: tagPolicy,
    UntagPolicy: untagPolicy,
    ListPolicyTags: listPolicyTags,
    CreatePolicy: createPolicy,
    GetPolicy: getPolicy,
    ListPolicies: listPolicies,
    DeletePolicy: deletePolicy,
    CreatePolicyVersion: createPolicyVersion,
    GetPolicyVersion: getPolicyVersion,
    ListPolicyVersions: listPolicyVersions,
    DeletePolicyVersion: deletePolicyVersion,
    SetDefaultPolicyVersion: setDefaultPolicyVersion,
    AttachUserPolicy: attachUserPolicy,
    DetachUserPolicy: detachUserPolicy,
    ListAttachedUserPolicies: listAttachedUserPolicies,
    AttachGroupPolicy: attachGroupPolicy,
    DetachGroupPolicy: detachGroupPolicy,
    ListAttachedGroupPolicies: listAttachedGroupPolicies,
    AttachRolePolicy: attachRolePolicy,
    DetachRolePolicy: detachRolePolicy,
    ListAttachedRolePolicies: listAttachedRolePolicies,
    ListEntitiesForPolicy: listEntitiesForPolicy,
    PutUserPermissionsBoundary: putUserPermissionsBoundary,
    DeleteUserPermissionsBoundary: deleteUserPermissionsBoundary,
    PutRolePermissionsBoundary: putRolePermissionsBoundary,
    DeleteRolePermissionsBoundary: deleteRolePermissionsBoundary,
    PutUserPolicy: putUserPolicy,
    GetUserPolicy: getUserPolicy,
    ListUserPolicies: listUserPolicies,
    DeleteUserPolicy: deleteUserPolicy,
    PutGroupPolicy: putGroupPolicy,
    GetGroupPolicy: getGroupPolicy,
    ListGroupPolicies: listGroupPolicies,
    DeleteGroupPolicy: deleteGroupPolicy,
    PutRolePolicy: putRolePolicy,
    GetRolePolicy: getRolePolicy,
    ListRolePolicies: listRolePolicies,
    DeleteRolePolicy: deleteRolePolicy,
    CreateAccessKey: createAccessKey,
    ListAccessKeys: listAccessKeys,
    UpdateAccessKey: updateAccessKey,
    DeleteAccessKey: deleteAccessKey,
    GetAccessKeyLastUsed: getAccessKeyLastUsed,
    CreateInstanceProfile: createInstanceProfile,
    GetInstanceProfile: getInstanceProfile,
    ListInstanceProfiles: listInstanceProfiles,
    ListInstanceProfilesForRole: listInstanceProfilesForRole,
    AddRoleToInstanceProfile: addRoleToInstanceProfile,
    RemoveRoleFromInstanceProfile: removeRoleFromInstanceProfile,
    DeleteInstanceProfile: deleteInstanceProfile,
    CreateLoginProfile: createLoginProfile,
    GetLoginProfile: getLoginProfile,
    UpdateLoginProfile: updateLoginProfile,
    DeleteLoginProfile: deleteLoginProfile,
    CreateAccountAlias: createAccountAlias,
    ListAccountAliases: listAccountAliases,
    DeleteAccountAlias: deleteAccountAlias,
    UpdateAccountPasswordPolicy: updateAccountPasswordPolicy,
    GetAccountPasswordPolicy: getAccountPasswordPolicy,
    DeleteAccountPasswordPolicy: deleteAccountPasswordPolicy,
    GetAccountSummary: getAccountSummary,
    GetAccountAuthorizationDetails: getAccountAuthorizationDetails,
    CreateServiceLinkedRole: createServiceLinkedRole,
    DeleteServiceLinkedRole: deleteServiceLinkedRole,
    GetServiceLinkedRoleDeletionStatus: getServiceLinkedRoleDeletionStatus,
    CreateVirtualMFADevice: createVirtualMFADevice,
    EnableMFADevice: enableMFADevice,
    ResyncMFADevice: resyncMFADevice,
    DeactivateMFADevice: deactivateMFADevice,
    DeleteVirtualMFADevice: deleteVirtualMFADevice,
    GetMFADevice: getMFADevice,
    ListMFADevices: listMFADevices,
    ListVirtualMFADevices: listVirtualMFADevices,
    TagMFADevice: tagMFADevice,
    UntagMFADevice: untagMFADevice,
    ListMFADeviceTags: listMFADeviceTags,
    UploadSSHPublicKey: uploadSSHPublicKey,
    GetSSHPublicKey: getSSHPublicKey,
    ListSSHPublicKeys: listSSHPublicKeys,
    UpdateSSHPublicKey: updateSSHPublicKey,
    DeleteSSHPublicKey: deleteSSHPublicKey,
    UploadSigningCertificate: uploadSigningCertificate,
    ListSigningCertificates: listSigningCertificates,
    UpdateSigningCertificate: updateSigningCertificate,
    DeleteSigningCertificate: deleteSigningCertificate,
    UploadServerCertificate: uploadServerCertificate,
    GetServerCertificate: getServerCertificate,
    ListServerCertificates: listServerCertificates,
    UpdateServerCertificate: updateServerCertificate,
    DeleteServerCertificate: deleteServerCertificate,
    TagServerCertificate: tagServerCertificate,
    UntagServerCertificate: untagServerCertificate,
    ListServerCertificateTags: listServerCertificateTags,
    CreateOpenIDConnectProvider: createOpenIDConnectProvider,
    GetOpenIDConnectProvider: getOpenIDConnectProvider,
    ListOpenIDConnectProviders: listOpenIDConnectProviders,
    AddClientIDToOpenIDConnectProvider: addClientIDToOpenIDConnectProvider,
    RemoveClientIDFromOpenIDConnectProvider: removeClientIDFromOpenIDConnectProvider,
    UpdateOpenIDConnectProviderThumbprint: updateOpenIDConnectProviderThumbprint,
    DeleteOpenIDConnectProvider: deleteOpenIDConnectProvider,
    TagOpenIDConnectProvider: tagOpenIDConnectProvider,
    UntagOpenIDConnectProvider: untagOpenIDConnectProvider,
    ListOpenIDConnectProviderTags: listOpenIDConnectProviderTags,
    CreateSAMLProvider: createSAMLProvider,
    GetSAMLProvider: getSAMLProvider,
    ListSAMLProviders: listSAMLProviders,
    UpdateSAMLProvider: updateSAMLProvider,
    DeleteSAMLProvider: deleteSAMLProvider,
    TagSAMLProvider: tagSAMLProvider,
    UntagSAMLProvider: untagSAMLProvider,
    ListSAMLProviderTags: listSAMLProviderTags,
    GenerateCredentialReport: generateCredentialReport,
    GetCredentialReport: getCredentialReport,
    ChangePassword: changePassword,
    CreateServiceSpecificCredential: createServiceSpecificCredential,
    ListServiceSpecificCredentials: listServiceSpecificCredentials,
    ResetServiceSpecificCredential: resetServiceSpecificCredential,
    UpdateServiceSpecificCredential: updateServiceSpecificCredential,
    DeleteServiceSpecificCredential: deleteServiceSpecificCredential,
    GetContextKeysForCustomPolicy: getContextKeysForCustomPolicy,
    GetContextKeysForPrincipalPolicy: getContextKeysForPrincipalPolicy,
    SetSecurityTokenServicePreferences: setSecurityTokenServicePreferences,
    SimulateCustomPolicy: simulateCustomPolicy,
    SimulatePrincipalPolicy: simulatePrincipalPolicy,
    ListPoliciesGrantingServiceAccess: listPoliciesGrantingServiceAccess,
  },
});
