// What must go before an identity can be deleted, checked in the order IAM reports it, each refusal
// in IAM's words (DeleteConflict, 409; the messages as clients' logs quote them).
import { deleteConflict } from './errors.ts';
import type { Ctx, EntityRow } from './store.ts';

export async function checkDeletable(ctx: Ctx, row: EntityRow): Promise<void> {
  const s = ctx.state;
  switch (row.kind) {
    case 'user':
      if (await s.login(row.id)) throw deleteConflict('Cannot delete entity, must delete login profile first.');
      if ((await s.keys(row.id)).length) throw deleteConflict('Cannot delete entity, must delete access keys first.');
      if ((await s.containers(row.id)).length) throw deleteConflict('Cannot delete entity, must remove users from group first.');
      if ((await s.mfaDevicesOf(row.id)).length) throw deleteConflict('Cannot delete entity, must delete MFA device first.');
      if ((await s.userCredentials(row.id, 'ssh-key')).length) throw deleteConflict('Cannot delete entity, must delete SSH public keys first.');
      if ((await s.userCredentials(row.id, 'signing-cert')).length) throw deleteConflict('Cannot delete entity, must delete signing certificates first.');
      if ((await s.userCredentials(row.id, 'service-credential')).length) throw deleteConflict('Cannot delete entity, must delete service specific credentials first.');
      break;
    case 'group':
      if ((await s.members(row.id)).length) throw deleteConflict('Cannot delete entity, must remove users from group first.');
      break;
    case 'role':
    case 'instance-profile': {
      const linked = row.kind === 'role' ? await s.containers(row.id) : await s.members(row.id);
      if (linked.length) throw deleteConflict('Cannot delete entity, must remove roles from instance profile first.');
      break;
    }
  }
  if (row.kind === 'instance-profile') return;
  if ((await s.inlines(row.id)).length) throw deleteConflict('Cannot delete entity, must delete policies first.');
  if ((await s.attached(row.id)).length) throw deleteConflict('Cannot delete entity, must detach all policies first.');
}
