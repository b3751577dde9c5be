// Virtual MFA devices through boto3: the seed and QR code IAM hands out, EnableMFADevice checking two
// consecutive TOTP codes that the test computes itself (RFC 6238) on Fogbank's frozen clock, resync
// after the clock moves, assignment status, tags, and what a device in use blocks.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { inflateSync } from 'node:zlib';
import { startFogbank, type TestFogbank } from '../../../testing/index.ts';
import { boto3 } from './boto3.test-support.ts';

let fb: TestFogbank;
before(async () => {
  fb = await startFogbank();
});
after(() => fb.stop());
beforeEach(() => fb.reset());

// The codes a virtual MFA app shows, written independently of Fogbank's TOTP (Python's hmac).
const TOTP = `
import hmac, hashlib, struct, base64
def code(seed, step):
    mac = hmac.new(base64.b32decode(seed), struct.pack('>Q', step), hashlib.sha1).digest()
    o = mac[-1] & 15
    return '%06d' % ((struct.unpack('>I', mac[o:o + 4])[0] & 0x7fffffff) % 1000000)
STEP = int(os.environ['NOW_MS']) // 30000
`;

// GetMFADevice is newer than boto3 1.26 and the CLI 2.9: a query request signed by botocore itself.
const RAW = `
import urllib.request, urllib.parse, urllib.error
from botocore.awsrequest import AWSRequest
from botocore.auth import SigV4Auth
def raw(action, **params):
    body = urllib.parse.urlencode({'Action': action, 'Version': '2010-05-08', **params})
    req = AWSRequest('POST', os.environ['ENDPOINT'] + '/', data=body, headers={'Content-Type': 'application/x-www-form-urlencoded'})
    SigV4Auth(boto3.Session().get_credentials(), 'iam', 'us-east-1').add_auth(req)
    try:
        r = urllib.request.urlopen(urllib.request.Request(req.url, data=body.encode(), headers=dict(req.headers.items()), method='POST'))
        return [r.status, r.read().decode()]
    except urllib.error.HTTPError as e:
        return [e.code, e.read().decode()]
`;

/** The module grid of the PNG: [row][col] dark, read at the centre of each `scale`-pixel module. */
function readPng(png: Buffer): { width: number; pixels: (x: number, y: number) => number } {
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG signature');
  let at = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  while (at < png.length) {
    const len = png.readUInt32BE(at);
    const type = png.subarray(at + 4, at + 8).toString('latin1');
    const data = png.subarray(at + 8, at + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      assert.deepEqual([data[8], data[9]], [8, 0], '8-bit grayscale');
    }
    if (type === 'IDAT') idat.push(data);
    at += 12 + len;
  }
  assert.equal(width, height, 'a square image');
  const raw = inflateSync(Buffer.concat(idat));
  return { width, pixels: (x, y) => raw[y * (width + 1) + 1 + x] };
}

test('virtual MFA: seed and QR code, enable with two consecutive codes, list, resync, deactivate, delete', async () => {
  const now = Math.floor(Date.now() / 30_000) * 30_000 + 5_000;
  fb.clock.freeze(now);
  const out = await boto3(fb.endpoint, TOTP + RAW + `
c.create_user(UserName='alice')
d = c.create_virtual_mfa_device(VirtualMFADeviceName='alice-phone', Path='/team/', Tags=[{'Key': 'owner', 'Value': 'alice'}])['VirtualMFADevice']
seed = d['Base32StringSeed'].decode()
out['serial'] = d['SerialNumber']; out['seed'] = seed; out['tags'] = d['Tags']
out['qr'] = base64.b64encode(d['QRCodePNG']).decode()
out['dup'] = err(c.create_virtual_mfa_device, VirtualMFADeviceName='alice-phone', Path='/team/')
serial = d['SerialNumber']
out['unassigned'] = [x['SerialNumber'] for x in c.list_virtual_mfa_devices(AssignmentStatus='Unassigned')['VirtualMFADevices']]
out['wrong'] = err(c.enable_mfa_device, UserName='alice', SerialNumber=serial, AuthenticationCode1=code(seed, STEP), AuthenticationCode2=code(seed, STEP - 1))
out['noDevice'] = err(c.enable_mfa_device, UserName='alice', SerialNumber=serial + 'x', AuthenticationCode1='123456', AuthenticationCode2='654321')
c.enable_mfa_device(UserName='alice', SerialNumber=serial, AuthenticationCode1=code(seed, STEP - 1), AuthenticationCode2=code(seed, STEP))
out['inUse'] = err(c.enable_mfa_device, UserName='alice', SerialNumber=serial, AuthenticationCode1=code(seed, STEP - 1), AuthenticationCode2=code(seed, STEP))
out['listed'] = c.list_mfa_devices(UserName='alice')['MFADevices']
out['got'] = raw('GetMFADevice', SerialNumber=serial, UserName='alice')
out['gotMissing'] = raw('GetMFADevice', SerialNumber=serial, UserName='nobody')
out['assigned'] = c.list_virtual_mfa_devices(AssignmentStatus='Assigned')['VirtualMFADevices']
out['stillUnassigned'] = c.list_virtual_mfa_devices(AssignmentStatus='Unassigned')['VirtualMFADevices']
out['deleteDevice'] = err(c.delete_virtual_mfa_device, SerialNumber=serial)
out['deleteUser'] = err(c.delete_user, UserName='alice')
c.tag_mfa_device(SerialNumber=serial, Tags=[{'Key': 'env', 'Value': 'prod'}, {'Key': 'OWNER', 'Value': 'bob'}])
c.untag_mfa_device(SerialNumber=serial, TagKeys=['env'])
out['tagsAfter'] = c.list_mfa_device_tags(SerialNumber=serial)['Tags']
out['summary'] = {k: v for k, v in c.get_account_summary()['SummaryMap'].items() if k.startswith('MFADevices')}
`, { NOW_MS: String(now) });
  assert.equal(out.serial, 'arn:aws:iam::000000000000:mfa/team/alice-phone');
  assert.match(out.seed, /^[A-Z2-7]{64}$/, 'a 64-character Base32 seed');
  assert.deepEqual(out.tags, [{ Key: 'owner', Value: 'alice' }]);
  assert.deepEqual(out.dup, [409, 'EntityAlreadyExists', 'MFADevice entity at the same path and name already exists.']);
  assert.deepEqual(out.unassigned, [out.serial]);
  assert.deepEqual(out.wrong, [403, 'InvalidAuthenticationCode', 'Authentication code for device is not valid.']);
  assert.deepEqual(out.noDevice, [404, 'NoSuchEntity', `VirtualMFADevice with serial number ${out.serial}x doesn't exist.`]);
  assert.deepEqual(out.inUse, [409, 'EntityAlreadyExists', 'MFA Device is already in use.']);
  assert.equal(out.listed.length, 1);
  assert.equal(out.listed[0].UserName, 'alice');
  assert.equal(out.listed[0].SerialNumber, out.serial);
  assert.equal(new Date(out.listed[0].EnableDate).getTime(), Math.floor(now / 1000) * 1000, 'enabled at Fogbank\'s clock');
  assert.equal(out.got[0], 200);
  assert.match(out.got[1], /<GetMFADeviceResult>[\s\S]*<UserName>alice<\/UserName>[\s\S]*<\/GetMFADeviceResult>/);
  assert.ok(out.got[1].includes(`<SerialNumber>${out.serial}</SerialNumber>`), out.got[1]);
  assert.equal(out.gotMissing[0], 404);
  assert.match(out.gotMissing[1], /<Code>NoSuchEntity<\/Code>/);
  assert.deepEqual(out.assigned.map((d: any) => [d.SerialNumber, d.User.UserName, d.Tags]), [[out.serial, 'alice', [{ Key: 'owner', Value: 'alice' }]]]);
  assert.equal('Base32StringSeed' in out.assigned[0], false, 'the seed is handed out once, at creation');
  assert.deepEqual(out.stillUnassigned, []);
  assert.deepEqual(out.deleteDevice, [409, 'DeleteConflict', 'MFA device is still in use.']);
  assert.deepEqual(out.deleteUser, [409, 'DeleteConflict', 'Cannot delete entity, must delete MFA device first.']);
  assert.deepEqual(out.tagsAfter, [{ Key: 'OWNER', Value: 'bob' }], 'tag keys ignore case: OWNER replaced owner');
  assert.deepEqual(out.summary, { MFADevices: 1, MFADevicesInUse: 1 });

  // The QR code: a square PNG whose modules show a QR symbol's three finder patterns and timing rows.
  const png = readPng(Buffer.from(out.qr, 'base64'));
  const scale = 6;
  const modules = png.width / scale;
  assert.ok(Number.isInteger(modules) && modules >= 21 + 8, `${modules} modules with the quiet zone`);
  const size = modules - 8;
  assert.equal((size - 17) % 4, 0, 'a QR symbol is 17 + 4 × version modules wide');
  const dark = (col: number, row: number) => png.pixels((col + 4) * scale + 3, (row + 4) * scale + 3) === 0;
  for (const [c0, r0] of [[0, 0], [size - 7, 0], [0, size - 7]]) {
    for (let r = 0; r < 7; r++) {
      for (let col = 0; col < 7; col++) {
        const ring = Math.max(Math.abs(col - 3), Math.abs(r - 3));
        assert.equal(dark(c0 + col, r0 + r), ring !== 2, `finder pattern at (${c0}, ${r0}), module (${col}, ${r})`);
      }
    }
  }
  for (let i = 8; i < size - 8; i++) assert.equal(dark(i, 6), i % 2 === 0, `timing pattern, module ${i}`);
  assert.equal(dark(-1, 0), false, 'the quiet zone is light');

  // Ten minutes on, the device has drifted twenty steps: resync takes two codes there, once only.
  fb.clock.advance(600_000);
  const later = fb.clock.now();
  const out2 = await boto3(fb.endpoint, TOTP + `
seed = os.environ['SEED']; serial = os.environ['SERIAL']
c.resync_mfa_device(UserName='alice', SerialNumber=serial, AuthenticationCode1=code(seed, STEP - 1), AuthenticationCode2=code(seed, STEP))
out['again'] = err(c.resync_mfa_device, UserName='alice', SerialNumber=serial, AuthenticationCode1=code(seed, STEP - 1), AuthenticationCode2=code(seed, STEP))
out['stale'] = err(c.resync_mfa_device, UserName='alice', SerialNumber=serial, AuthenticationCode1=code(seed, STEP - 60), AuthenticationCode2=code(seed, STEP - 59))
c.create_user(UserName='bob')
out['notBobs'] = err(c.deactivate_mfa_device, UserName='bob', SerialNumber=serial)
c.deactivate_mfa_device(UserName='alice', SerialNumber=serial)
out['afterDeactivate'] = [c.list_mfa_devices(UserName='alice')['MFADevices'], [d['SerialNumber'] for d in c.list_virtual_mfa_devices(AssignmentStatus='Unassigned')['VirtualMFADevices']]]
out['deactivateAgain'] = err(c.deactivate_mfa_device, UserName='alice', SerialNumber=serial)
c.delete_virtual_mfa_device(SerialNumber=serial)
out['gone'] = err(c.delete_virtual_mfa_device, SerialNumber=serial)
c.delete_user(UserName='alice')
`, { NOW_MS: String(later), SEED: out.seed, SERIAL: out.serial });
  assert.deepEqual(out2.again, [403, 'InvalidAuthenticationCode', 'Authentication code for device is not valid.'], 'codes are accepted once');
  assert.deepEqual(out2.stale, [403, 'InvalidAuthenticationCode', 'Authentication code for device is not valid.'], 'codes half an hour old are refused');
  assert.deepEqual(out2.notBobs, [404, 'NoSuchEntity', `MFA Device with serial number ${out.serial} does not exist.`]);
  assert.deepEqual(out2.afterDeactivate, [[], [out.serial]]);
  assert.equal(out2.deactivateAgain[1], 'NoSuchEntity');
  assert.deepEqual(out2.gone, [404, 'NoSuchEntity', `VirtualMFADevice with serial number ${out.serial} doesn't exist.`]);
});
