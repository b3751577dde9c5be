// Virtual MFA devices: created unassigned with a fresh TOTP seed (handed out once, as a Base32 string
// and as the QR code an authenticator app scans), assigned to a user by EnableMFADevice with two
// consecutive codes, resynchronised, deactivated (back to unassigned) and deleted.
import { randomBytes } from 'node:crypto';
import type {
  CreateVirtualMFADeviceRequest, CreateVirtualMFADeviceResponse, DeactivateMFADeviceRequest, DeleteVirtualMFADeviceRequest,
  EnableMFADeviceRequest, GetMFADeviceRequest, GetMFADeviceResponse, ListMFADevicesRequest, ListMFADevicesResponse,
  ListVirtualMFADevicesRequest, ListVirtualMFADevicesResponse, ResyncMFADeviceRequest,
} from '../generated/types.ts';
import { ServiceError } from '../../../../core/errors.ts';
import { formatArn } from '../../../../core/resources/arn.ts';
import { deleteConflict, entityAlreadyExists, limitExceeded, noSuchEntity } from '../errors.ts';
import { requireEntity, targetUser } from '../lookup.ts';
import { page } from '../paging.ts';
import { userShape } from '../shapes.ts';
import { checkTagRequest } from '../tagging.ts';
import { base32Encode, consecutiveStep, stepAt } from '../totp.ts';
import { qrCodePng } from '../qr-code.ts';
import { resourceTagging, tagsOrUndefined } from './resource-tags.ts';
import type { Ctx, EntityRow, MfaRow } from '../store.ts';

/** IAM's quota of MFA devices per user. */
const MFA_PER_USER = 8;
/** Steps either side of now that EnableMFADevice accepts, and the wider drift ResyncMFADevice accepts. */
const ENABLE_WINDOW = 2;
const RESYNC_WINDOW = 20;

const invalidCode = () => new ServiceError('InvalidAuthenticationCode', 'Authentication code for device is not valid.', 403);
const deviceNotFound = (serial: string) => noSuchEntity(`VirtualMFADevice with serial number ${serial} doesn't exist.`);
const notUsersDevice = (serial: string) => noSuchEntity(`MFA Device with serial number ${serial} does not exist.`);

async function requireDevice(ctx: Ctx, serial: string): Promise<MfaRow> {
  const row = await ctx.state.mfaDevice(serial);
  if (!row || row.account !== ctx.account) throw deviceNotFound(serial);
  return row;
}

/** What an authenticator app scans: the otpauth URI IAM encodes (issuer "Amazon Web Services"). */
function otpauthUri(name: string, account: string, seed: string): string {
  const issuer = encodeURIComponent('Amazon Web Services');
  return `otpauth://totp/${issuer}:${encodeURIComponent(`${name}@${account}`)}?secret=${seed}&issuer=${issuer}`;
}

export async function createVirtualMFADevice(input: CreateVirtualMFADeviceRequest, ctx: Ctx): Promise<CreateVirtualMFADeviceResponse> {
  checkTagRequest(input.Tags);
  const path = input.Path ?? '/';
  const serial = formatArn({ service: 'iam', account: ctx.account, resource: `mfa${path}${input.VirtualMFADeviceName}` });
  // 40 random bytes, 64 Base32 characters, as IAM's seeds are.
  const seed = base32Encode(randomBytes(40));
  const tags = input.Tags?.map((t) => ({ Key: t.Key, Value: t.Value ?? '' })) ?? [];
  const png = qrCodePng(otpauthUri(input.VirtualMFADeviceName, ctx.account, seed));
  await ctx.state.unit(async () => {
    const inserted = await ctx.state.insertMfaDevice({
      account: ctx.account, serial, seed, user_id: null, enabled: null, last_step: null, created: ctx.clock.now(), tags: JSON.stringify(tags),
    });
    if (!inserted) throw entityAlreadyExists('MFADevice entity at the same path and name already exists.');
  });
  // Blobs: botocore and the CLI decode them to the Base32 text and the PNG bytes.
  return { VirtualMFADevice: { SerialNumber: serial, Base32StringSeed: Buffer.from(seed), QRCodePNG: png, Tags: tags.length ? tags : undefined } };
}

async function checkCodes(ctx: Ctx, device: MfaRow, code1: string, code2: string, window: number, notBefore?: number): Promise<number> {
  const step = consecutiveStep(device.seed, code1, code2, stepAt(ctx.clock.now()), window, notBefore);
  if (step === undefined) throw invalidCode();
  return step;
}

export async function enableMFADevice(input: EnableMFADeviceRequest, ctx: Ctx): Promise<void> {
  await ctx.state.unit(async () => {
    const user = await requireEntity(ctx, 'user', input.UserName);
    const device = await requireDevice(ctx, input.SerialNumber);
    if (device.user_id !== null) throw entityAlreadyExists('MFA Device is already in use.');
    if ((await ctx.state.mfaDevicesOf(user.id)).length >= MFA_PER_USER) throw limitExceeded(`Cannot exceed quota for MFADevicesPerUser: ${MFA_PER_USER}`);
    const step = await checkCodes(ctx, device, input.AuthenticationCode1, input.AuthenticationCode2, ENABLE_WINDOW);
    await ctx.state.updateMfaDevice(device.serial, { user_id: user.id, enabled: ctx.clock.now(), last_step: step });
  });
}

/** The user's device with that serial number; NoSuchEntity when it is not assigned to them. */
async function usersDevice(ctx: Ctx, user: EntityRow, serial: string): Promise<MfaRow> {
  const device = await ctx.state.mfaDevice(serial);
  if (!device || device.user_id !== user.id) throw notUsersDevice(serial);
  return device;
}

export async function resyncMFADevice(input: ResyncMFADeviceRequest, ctx: Ctx): Promise<void> {
  await ctx.state.unit(async () => {
    const user = await requireEntity(ctx, 'user', input.UserName);
    const device = await usersDevice(ctx, user, input.SerialNumber);
    const step = await checkCodes(ctx, device, input.AuthenticationCode1, input.AuthenticationCode2, RESYNC_WINDOW, device.last_step ?? -1);
    await ctx.state.updateMfaDevice(device.serial, { last_step: step });
  });
}

export async function deactivateMFADevice(input: DeactivateMFADeviceRequest, ctx: Ctx): Promise<void> {
  await ctx.state.unit(async () => {
    const user = await targetUser(ctx, input.UserName);
    const device = await usersDevice(ctx, user, input.SerialNumber);
    await ctx.state.updateMfaDevice(device.serial, { user_id: null, enabled: null, last_step: null });
  });
}

export async function deleteVirtualMFADevice(input: DeleteVirtualMFADeviceRequest, ctx: Ctx): Promise<void> {
  await ctx.state.unit(async () => {
    const device = await requireDevice(ctx, input.SerialNumber);
    if (device.user_id !== null) throw deleteConflict('MFA device is still in use.');
    await ctx.state.deleteMfaDevice(device.serial);
  });
}

export async function getMFADevice(input: GetMFADeviceRequest, ctx: Ctx): Promise<GetMFADeviceResponse> {
  const user = await targetUser(ctx, input.UserName);
  const device = await usersDevice(ctx, user, input.SerialNumber);
  return { UserName: user.name, SerialNumber: device.serial, EnableDate: new Date(device.enabled!) };
}

export async function listMFADevices(input: ListMFADevicesRequest, ctx: Ctx): Promise<ListMFADevicesResponse> {
  const user = await targetUser(ctx, input.UserName);
  const p = await page(ctx, await ctx.state.mfaDevicesOf(user.id), (d) => d.serial.toLowerCase(), input, user.id);
  return {
    MFADevices: p.items.map((d) => ({ UserName: user.name, SerialNumber: d.serial, EnableDate: new Date(d.enabled!) })),
    IsTruncated: p.IsTruncated,
    Marker: p.Marker,
  };
}

export async function listVirtualMFADevices(input: ListVirtualMFADevicesRequest, ctx: Ctx): Promise<ListVirtualMFADevicesResponse> {
  const status = input.AssignmentStatus ?? 'Any';
  const devices = (await ctx.state.mfaDevices(ctx.account)).filter((d) =>
    status === 'Any' || (status === 'Assigned') === (d.user_id !== null));
  const p = await page(ctx, devices, (d) => d.serial.toLowerCase(), input, status);
  const out = [];
  for (const d of p.items) {
    const user = d.user_id === null ? undefined : await ctx.state.entityById(d.user_id);
    out.push({
      SerialNumber: d.serial,
      User: user ? userShape(user, false) : undefined,
      EnableDate: d.enabled === null ? undefined : new Date(d.enabled),
      Tags: tagsOrUndefined(d.tags),
    });
  }
  return { VirtualMFADevices: out, IsTruncated: p.IsTruncated, Marker: p.Marker };
}

const tagging = resourceTagging<{ SerialNumber: string }>({
  find: async (ctx, input) => {
    const d = await requireDevice(ctx, input.SerialNumber);
    return { key: d.serial, tags: d.tags };
  },
  save: (ctx, serial, tags) => ctx.state.updateMfaDevice(serial, { tags }),
  quota: 'TagsPerMFADevice',
});

export const tagMFADevice = tagging.tag;
export const untagMFADevice = tagging.untag;
export const listMFADeviceTags = tagging.list;
