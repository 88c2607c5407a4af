// Event type names live here and only here: they are stored in the log, so renaming one strands history.

export const LIFECYCLE = {
  userCreated: 'SCIM.UserCreated',
  userUpdated: 'SCIM.UserUpdated',
  userDeactivated: 'SCIM.UserDeactivated',
  userDeleted: 'SCIM.UserDeleted',
  documentPublished: 'Document.Published',
  groupCreated: 'SCIM.GroupCreated',
  groupUpdated: 'SCIM.GroupUpdated',
  groupDeleted: 'SCIM.GroupDeleted',
} as const;

/**
 * What the HR system says about an employee, through the HR webhook door (POST /hr/events). Their data is
 * already the SCIM User that IDaaS will be asked to hold: the idaas-provisioner acts on them; the joiner
 * and leaver flows do not (they start when IDaaS announces the account, as SCIM.User* events).
 */
export const HR = {
  employeeHired: 'HR.EmployeeHired',
  employeeChanged: 'HR.EmployeeChanged',
  employeeTerminated: 'HR.EmployeeTerminated',
} as const;

export const OUTCOME = {
  welcomeSent: 'onramp.mail.WelcomeSent',
  welcomeFailed: 'onramp.mail.WelcomeFailed',
  accessGranted: 'onramp.gitbook.AccessGranted',
  accessFailed: 'onramp.gitbook.AccessFailed',
  accessChanged: 'onramp.gitbook.AccessChanged',
  accessRevoked: 'onramp.gitbook.AccessRevoked',
  profileIndexed: 'onramp.index.ProfileIndexed',
  profileRemoved: 'onramp.index.ProfileRemoved',
  documentIndexed: 'onramp.index.DocumentIndexed',
  indexFailed: 'onramp.index.IndexFailed',
  reindexed: 'onramp.index.Reindexed',
  deadLettered: 'onramp.consumer.DeadLettered',
  jobsRestored: 'onramp.delivery.JobsRestored',
  replayRequested: 'onramp.replay.Requested',
  replayCompleted: 'onramp.replay.Completed',
  deprovisionHeld: 'onramp.lifecycle.DeprovisionHeld',
  deprovisionApproved: 'onramp.lifecycle.DeprovisionApproved',
  deprovisionRejected: 'onramp.lifecycle.DeprovisionRejected',
  idaasUserProvisioned: 'onramp.idaas.UserProvisioned',
  idaasProvisioningFailed: 'onramp.idaas.ProvisioningFailed',
} as const;

export const IDAAS_SOURCE = 'com.aliyun.idaas';

/** The source of events that came through the HR webhook door. */
export const HR_WEBHOOK_SOURCE = 'hr-webhook';

/** The source onramp's own events carry: `onramp/<component>`. */
export function onrampSource(component: string): string {
  return `onramp/${component}`;
}

/** The source of events that came through the IDaaS event callback door of one IDaaS application. */
export function idaasCallbackSource(applicationId: string): string {
  return `idaas-callback/${applicationId}`;
}

/** The source of events that came through onramp's own SCIM 2.0 endpoint (ingest's `/scim/v2`). */
export const SCIM_SERVER_SOURCE = 'scim/v2';
