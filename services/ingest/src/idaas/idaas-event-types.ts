// IDaaS (EIAM 2.0) address-book event type codes, as the developer reference ("Address book events")
// and IDaaS's own push SDK (aliyunidaas/java-push-sdk, SyncEventConstants) name them.

const PREFIX = 'urn:alibaba:idaas:app:event';

export const IDAAS_EVENT = {
  test: `${PREFIX}:common:test`,
  userCreate: `${PREFIX}:ud:user:create`,
  userDelete: `${PREFIX}:ud:user:delete`,
  userUpdateInfo: `${PREFIX}:ud:user:update_info`,
  userUpdatePassword: `${PREFIX}:ud:user:update_password`,
  userDisable: `${PREFIX}:ud:user:disable`,
  userEnable: `${PREFIX}:ud:user:enable`,
  userLock: `${PREFIX}:ud:user:lock`,
  userUnlock: `${PREFIX}:ud:user:unlock`,
  userUpdatePrimaryOu: `${PREFIX}:ud:user:update_primary_ou`,
  userPush: `${PREFIX}:ud:user:push`,
  ouCreate: `${PREFIX}:ud:organizational_unit:create`,
  ouDelete: `${PREFIX}:ud:organizational_unit:delete`,
  ouUpdate: `${PREFIX}:ud:organizational_unit:update`,
  ouUpdateParent: `${PREFIX}:ud:organizational_unit:update_parent_organizational_unit`,
  ouAddUser: `${PREFIX}:ud:organizational_unit:add_user`,
  ouRemoveUser: `${PREFIX}:ud:organizational_unit:remove_user`,
  ouPush: `${PREFIX}:ud:organizational_unit:push`,
  groupCreate: `${PREFIX}:ud:group:create`,
  groupUpdate: `${PREFIX}:ud:group:update`,
  groupDelete: `${PREFIX}:ud:group:delete`,
  groupAddUser: `${PREFIX}:ud:group:add_user`,
  groupRemoveUser: `${PREFIX}:ud:group:remove_user`,
} as const;

/** The issuer of every callback token. */
export const IDAAS_EVENT_ISSUER = PREFIX;
