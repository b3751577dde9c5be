// SMS settings, opt-outs and the SMS sandbox. Texts are never sent: they land in the outbox (the
// sandbox's one-time passwords too), which the admin API shows.
import { randomInt, randomUUID } from 'node:crypto';
import { ServiceError } from '../../../../core/errors.ts';
import type {
  CheckIfPhoneNumberIsOptedOutInput, CheckIfPhoneNumberIsOptedOutResponse, CreateSMSSandboxPhoneNumberInput,
  CreateSMSSandboxPhoneNumberResult, DeleteSMSSandboxPhoneNumberInput, DeleteSMSSandboxPhoneNumberResult,
  GetSMSAttributesInput, GetSMSAttributesResponse, GetSMSSandboxAccountStatusResult, ListOriginationNumbersRequest,
  ListOriginationNumbersResult, ListPhoneNumbersOptedOutInput, ListPhoneNumbersOptedOutResponse,
  ListSMSSandboxPhoneNumbersInput, ListSMSSandboxPhoneNumbersResult, OptInPhoneNumberInput, OptInPhoneNumberResponse,
  SetSMSAttributesInput, SetSMSAttributesResponse, VerifySMSSandboxPhoneNumberInput, VerifySMSSandboxPhoneNumberResult,
} from '../generated/types.ts';
import type { Ctx } from '../state.ts';
import { decodeToken, encodeToken, invalidParameter } from './common.ts';

const SMS_ATTRIBUTES = new Set(['MonthlySpendLimit', 'DeliveryStatusIAMRole', 'DeliveryStatusSuccessSamplingRate', 'DefaultSenderID', 'DefaultSMSType', 'UsageReportS3Bucket']);

function phone(p: string): string {
  const n = p.replace(/[ ()-]/g, '');
  if (!/^\+?[1-9]\d{3,14}$/.test(n)) throw invalidParameter(`PhoneNumber Reason: ${p} is not valid`);
  return n;
}

export async function setSMSAttributes(input: SetSMSAttributesInput, ctx: Ctx): Promise<SetSMSAttributesResponse> {
  for (const [k, v] of Object.entries(input.attributes)) {
    if (!SMS_ATTRIBUTES.has(k)) throw invalidParameter(`${k}`);
    if (k === 'DefaultSMSType' && v !== 'Promotional' && v !== 'Transactional') throw invalidParameter('DefaultSMSType');
  }
  const { store } = ctx.state;
  // Merged into the stored settings in one unit: concurrent calls lose none of each other's.
  await store.atomically(async () => {
    const stored = await store.smsAttributes(ctx);
    const attrs = { ...(stored ? (JSON.parse(stored) as Record<string, string>) : {}), ...input.attributes };
    await store.putSmsAttributes(ctx, JSON.stringify(attrs));
  });
  return {};
}

export async function getSMSAttributes(input: GetSMSAttributesInput, ctx: Ctx): Promise<GetSMSAttributesResponse> {
  const stored = await ctx.state.store.smsAttributes(ctx);
  const attrs = stored ? (JSON.parse(stored) as Record<string, string>) : {};
  if (!input.attributes?.length) return { attributes: attrs };
  return { attributes: Object.fromEntries(input.attributes.filter((k) => k in attrs).map((k) => [k, attrs[k]])) };
}

export async function checkIfPhoneNumberIsOptedOut(input: CheckIfPhoneNumberIsOptedOutInput, ctx: Ctx): Promise<CheckIfPhoneNumberIsOptedOutResponse> {
  return { isOptedOut: await ctx.state.store.isPhoneOptedOut(ctx, phone(input.phoneNumber)) };
}

export async function listPhoneNumbersOptedOut(input: ListPhoneNumbersOptedOutInput, ctx: Ctx): Promise<ListPhoneNumbersOptedOutResponse> {
  const after = await decodeToken(ctx, input.nextToken, '');
  const phones = await ctx.state.store.optedOutPhones(ctx, after);
  const page = phones.slice(0, 100);
  return { phoneNumbers: page, nextToken: phones.length > 100 ? await encodeToken(ctx, page.at(-1)!) : undefined };
}

export async function optInPhoneNumber(input: OptInPhoneNumberInput, ctx: Ctx): Promise<OptInPhoneNumberResponse> {
  await ctx.state.store.optInPhone(ctx, phone(input.phoneNumber));
  return {};
}

export function getSMSSandboxAccountStatus(_input: unknown, _ctx: Ctx): GetSMSSandboxAccountStatusResult {
  // Fogbank sends no texts, so no account needs the sandbox's protection.
  return { IsInSandbox: false };
}

export async function createSMSSandboxPhoneNumber(input: CreateSMSSandboxPhoneNumberInput, ctx: Ctx): Promise<CreateSMSSandboxPhoneNumberResult> {
  const p = phone(input.PhoneNumber);
  const otp = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const { store } = ctx.state;
  // The password and the text that carries it: both or neither.
  await store.atomically(async () => {
    await store.addSandboxPhone(ctx, p, otp);
    await store.addToOutbox({
      account: ctx.account, region: ctx.region, kind: 'sms', destination: p, subject: null,
      message: `Your Amazon SNS verification code is: ${otp}`, message_id: randomUUID(), topic_arn: null, subscription_arn: null, attributes: null, time: ctx.clock.now(),
    });
  });
  return {};
}

/** The password check and the verification are one unit: a password replaced meanwhile is not accepted. */
export async function verifySMSSandboxPhoneNumber(input: VerifySMSSandboxPhoneNumberInput, ctx: Ctx): Promise<VerifySMSSandboxPhoneNumberResult> {
  const p = phone(input.PhoneNumber);
  const { store } = ctx.state;
  await store.atomically(async () => {
    const row = await store.sandboxPhone(ctx, p);
    if (!row?.sandbox_status) throw new ServiceError('ResourceNotFound', 'Can not find the destination phone number', 404);
    if (row.otp !== input.OneTimePassword) throw new ServiceError('VerificationException', 'Invalid one-time password', 400);
    await store.verifySandboxPhone(ctx, p);
  });
  return {};
}

export async function deleteSMSSandboxPhoneNumber(input: DeleteSMSSandboxPhoneNumberInput, ctx: Ctx): Promise<DeleteSMSSandboxPhoneNumberResult> {
  const p = phone(input.PhoneNumber);
  const { store } = ctx.state;
  await store.atomically(async () => {
    const row = await store.sandboxPhone(ctx, p);
    if (!row?.sandbox_status) throw new ServiceError('ResourceNotFound', 'Can not find the destination phone number', 404);
    await store.removeSandboxPhone(ctx, p);
  });
  return {};
}

export async function listSMSSandboxPhoneNumbers(input: ListSMSSandboxPhoneNumbersInput, ctx: Ctx): Promise<ListSMSSandboxPhoneNumbersResult> {
  const after = await decodeToken(ctx, input.NextToken, '');
  const limit = input.MaxResults ?? 100;
  const rows = await ctx.state.store.sandboxPhones(ctx, after, limit + 1);
  const page = rows.slice(0, limit);
  return {
    PhoneNumbers: page.map((r) => ({ PhoneNumber: r.phone, Status: r.sandbox_status })),
    NextToken: rows.length > limit ? await encodeToken(ctx, page.at(-1)!.phone) : undefined,
  };
}

export function listOriginationNumbers(_input: ListOriginationNumbersRequest, _ctx: Ctx): ListOriginationNumbersResult {
  return { PhoneNumbers: [] };
}
