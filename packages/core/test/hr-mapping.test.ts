// The HR mapping file: what each rule does (field, constant, concat, transforms, value maps, defaults,
// required), and a wrong file stopping the configuration with the file and the problem named.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { ConfigError, HR_WEBHOOK_DOOR, checkDoor, loadConfig, mapEmployee, parseHrMapping, readHrMapping, SCIM_ENTERPRISE_USER, UnmappableEmployee, type HrMapping } from '../src/index.js';

const EXAMPLE = fileURLToPath(new URL('../../../deploy/hr-mapping.json', import.meta.url));
const SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
const base = { userName: { from: 'email', transform: ['trim', 'lowercase'] }, 'emails[type eq "work"].value': { from: 'email', transform: ['trim', 'lowercase'] } };
const mapping = (attributes: Record<string, unknown>) => parseHrMapping('m.json', { version: 1, attributes: { ...base, ...attributes } }) as HrMapping;

t.test('the committed example mapping is valid', async (t) => {
  t.type(readHrMapping(EXAMPLE), 'object');
});

t.test('fields, constants, concatenation, transforms, value maps and defaults', async (t) => {
  const m = mapping({
    displayName: { from: ['first', 'middle', 'last'], join: ' ', transform: ['collapseSpaces'] },
    title: { value: 'Staff' },
    userType: { from: 'kind', transform: ['uppercase'], map: { FT: 'Employee', CT: 'Contractor' } },
    [`${SCIM_ENTERPRISE_USER}:department`]: { from: 'dept', default: 'General' },
    [`${SCIM_ENTERPRISE_USER}:manager.value`]: { from: 'boss' },
    'phoneNumbers[type eq "mobile"].value': { from: 'mobile' },
    'name.givenName': { from: 'first' },
  });
  const user = mapEmployee(m, { employeeId: 'E1', email: '  Ann@Example.COM ', first: 'Ann', middle: null, last: 'Lee  Smith', kind: 'ct', dept: '', boss: 'E0', mobile: 13800000000 }, true);
  t.same(user, {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', SCIM_ENTERPRISE_USER],
    userName: 'ann@example.com',
    emails: [{ value: 'ann@example.com', type: 'work', primary: true }],
    displayName: 'Ann Lee Smith',
    title: 'Staff',
    userType: 'Contractor',
    phoneNumbers: [{ value: '13800000000', type: 'mobile' }],
    name: { givenName: 'Ann' },
    [SCIM_ENTERPRISE_USER]: { department: 'General', manager: { value: 'E0' } },
    active: true,
  });
  t.equal(mapEmployee(m, { employeeId: 'E1', email: 'a@example.com', kind: 'PT' }, false).userType, 'PT', 'a value not in the map passes unchanged');
  t.equal(mapEmployee(m, { employeeId: 'E1', email: 'a@example.com' }, false).active, false);
});

t.test('a required value that is missing makes the record unmappable', async (t) => {
  const m = mapping({ [`${SCIM_ENTERPRISE_USER}:costCenter`]: { from: 'costCenter', required: true }, title: { from: 'jobTitle' } });
  const unmappable = (record: Record<string, string>) => {
    try {
      mapEmployee(m, { employeeId: 'E1', ...record }, true);
    } catch (error) {
      return error instanceof UnmappableEmployee ? error.target : 'another error';
    }
    return undefined;
  };
  t.equal(unmappable({ costCenter: 'CC1' }), 'userName', 'no email: no userName');
  t.equal(unmappable({ email: 'a@example.com' }), `${SCIM_ENTERPRISE_USER}:costCenter`, 'a rule marked required');
  t.equal(unmappable({ email: 'a@example.com', costCenter: 'CC1' }), undefined, 'an optional field may be missing');
});

t.test('a wrong mapping file is a configuration error naming the file and the problem', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'onramp-hrmap-'));
  const cases: [string, string, RegExp][] = [
    ['not-json.json', '{ "version": 1,', /not-json\.json: not JSON/],
    ['unknown-target.json', JSON.stringify({ version: 1, attributes: { ...base, password: { from: 'pw' } } }), /unknown-target\.json: "password" is not a SCIM attribute/],
    ['no-username.json', JSON.stringify({ version: 1, attributes: { 'emails[type eq "work"].value': { from: 'e' } } }), /no-username\.json: "userName" must be mapped/],
    ['bad-transform.json', JSON.stringify({ version: 1, attributes: { ...base, title: { from: 't', transform: ['reverse'] } } }), /bad-transform\.json: \/attributes\/title\/transform\/0/],
    ['both.json', JSON.stringify({ version: 1, attributes: { ...base, title: { from: 't', value: 'x' } } }), /both\.json: "title" needs exactly one of "from" or "value"/],
    ['version.json', JSON.stringify({ version: 2, attributes: base }), /version\.json: \/version/],
  ];
  for (const [name, text, message] of cases) {
    await writeFile(join(dir, name), text);
    const error = t.throws(() => loadConfig({ HR_WEBHOOK_SECRET: SECRET, HR_MAPPING_FILE: join(dir, name) })) as ConfigError;
    t.type(error, ConfigError, name);
    t.match(error.message, message, name);
  }
  t.match((t.throws(() => loadConfig({ HR_WEBHOOK_SECRET: SECRET, HR_MAPPING_FILE: join(dir, 'absent.json') })) as Error).message, /absent\.json: cannot be read \(ENOENT\)/);
  t.match((t.throws(() => loadConfig({ HR_WEBHOOK_SECRET: SECRET })) as Error).message, /HR_MAPPING_FILE is required when HR_WEBHOOK_SECRET is set/);
});

t.test('HR_WEBHOOK_SECRET must be whsec_ and a 24 to 64 byte key; IDAAS_SCIM_URL and its token go together', async (t) => {
  const withFile = { HR_MAPPING_FILE: EXAMPLE };
  t.match((t.throws(() => loadConfig({ ...withFile, HR_WEBHOOK_SECRET: 'plain-secret' })) as Error).message, /HR_WEBHOOK_SECRET must start with whsec_/);
  t.match((t.throws(() => loadConfig({ ...withFile, HR_WEBHOOK_SECRET: `whsec_${Buffer.alloc(8).toString('base64')}` })) as Error).message, /24 to 64 bytes, got 8/);
  const two = loadConfig({ ...withFile, HR_WEBHOOK_SECRET: `${SECRET} whsec_${Buffer.alloc(24, 1).toString('base64')}` });
  t.equal(two.hrWebhook.keys.length, 2, 'two secrets while rotating');
  t.equal(loadConfig({}).hrWebhook.keys.length, 0, 'off by default');
  t.match((t.throws(() => loadConfig({ IDAAS_SCIM_URL: 'http://127.0.0.1:1/scim/v2' })) as Error).message, /IDAAS_SCIM_TOKEN is required when IDAAS_SCIM_URL is set/);
  t.match((t.throws(() => loadConfig({ IDAAS_SCIM_TOKEN: 'x'.repeat(20) })) as Error).message, /IDAAS_SCIM_URL is required when IDAAS_SCIM_TOKEN is set/);
});

t.test('the HR webhook door lets through HR events of its own source only, never onramp.* or SCIM.*', async (t) => {
  t.doesNotThrow(() => checkDoor(HR_WEBHOOK_DOOR, [{ source: 'hr-webhook', type: 'HR.EmployeeHired' }]));
  for (const event of [{ source: 'hr-webhook', type: 'SCIM.UserCreated' }, { source: 'hr-webhook', type: 'onramp.idaas.UserProvisioned' }, { source: 'com.aliyun.idaas', type: 'HR.EmployeeHired' }]) {
    t.throws(() => checkDoor(HR_WEBHOOK_DOOR, [event]), { code: 'forbidden_event' }, `${event.source} ${event.type}`);
  }
});
