import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TollgateError } from '../../errors/index.ts';
import { parseCidr } from './cidr-range.ts';
import { IpAllowlist, combineAllowlists } from './ip-allowlist.ts';

const rejects = (entries: unknown, param: string, code = 'invalid_cidr') =>
  assert.throws(
    () => IpAllowlist.parse(entries),
    (e: unknown) => e instanceof TollgateError && e.status === 400 && e.code === code && e.param === param,
    JSON.stringify(entries),
  );

describe('IpAllowlist', () => {
  test('IPv4 blocks and single addresses', () => {
    const list = IpAllowlist.parse(['10.0.0.0/8', '192.168.1.0/24', '203.0.113.7']);
    for (const ip of ['10.0.0.1', '10.255.255.255', '192.168.1.200', '203.0.113.7']) assert.equal(list.allows(ip), true, ip);
    for (const ip of ['11.0.0.1', '192.168.2.1', '203.0.113.8', '9.255.255.255']) assert.equal(list.allows(ip), false, ip);
  });

  test('IPv6 blocks, in any textual form', () => {
    const list = IpAllowlist.parse(['2001:db8::/32', 'fe80::1/128', '2001:0db8:ffff::/48']);
    assert.equal(list.allows('2001:db8::1'), true);
    assert.equal(list.allows('2001:0DB8:1234::abcd'), true);
    assert.equal(list.allows('fe80::1'), true);
    assert.equal(list.allows('fe80::2'), false);
    assert.equal(list.allows('2001:db9::1'), false);
    assert.equal(list.allows('10.0.0.1'), false);
  });

  test('IPv4-mapped IPv6 clients match IPv4 blocks, and mapped blocks match IPv4 clients', () => {
    const v4 = IpAllowlist.parse(['10.0.0.0/8']);
    assert.equal(v4.allows('::ffff:10.0.0.1'), true);
    assert.equal(v4.allows('::ffff:a00:1'), true);
    assert.equal(v4.allows('::ffff:11.0.0.1'), false);
    const mapped = IpAllowlist.parse(['::ffff:10.0.0.0/104']);
    assert.deepEqual(mapped.entries, ['10.0.0.0/8']);
    assert.equal(mapped.allows('10.1.2.3'), true);
  });

  test('edge prefixes: /0 allows the whole family, /32 and /128 one address', () => {
    const all4 = IpAllowlist.parse(['0.0.0.0/0']);
    assert.equal(all4.allows('255.255.255.255'), true);
    assert.equal(all4.allows('2001:db8::1'), false, 'an IPv4 /0 does not admit IPv6');
    const all6 = IpAllowlist.parse(['::/0']);
    assert.equal(all6.allows('2001:db8::1'), true);
    assert.equal(IpAllowlist.parse(['2001:db8::1/128']).allows('2001:db8::1'), true);
    assert.equal(IpAllowlist.parse(['2001:db8::/127']).allows('2001:db8::1'), true);
    assert.equal(IpAllowlist.parse(['2001:db8::/127']).allows('2001:db8::2'), false);
    assert.equal(IpAllowlist.parse(['2001:db8::/33']).allows('2001:db8:8000::'), false);
  });

  test('an empty list is unrestricted; a set list refuses unparseable clients', () => {
    assert.equal(IpAllowlist.parse([]).allows('anything'), true);
    const list = IpAllowlist.parse(['10.0.0.0/8']);
    for (const ip of ['', 'localhost', '10.0.0', '010.0.0.1', '0xa.0.0.1', '10.0.0.1/8', 'fe80::1%eth0']) assert.equal(list.allows(ip), false, ip);
  });

  test('bad entries: 400 invalid_cidr naming the entry', () => {
    rejects(['10.0.0.0/8', '10.0.0.0/33'], 'ip_allowlist[1]');
    rejects(['nope'], 'ip_allowlist[0]');
    rejects(['10.0.0.0/8', '192.168.1.0/24', '300.1.1.1'], 'ip_allowlist[2]');
    rejects(['2001:db8::/129'], 'ip_allowlist[0]');
    rejects(['2001:db8:::/32'], 'ip_allowlist[0]');
    rejects(['10.0.0.0/-1'], 'ip_allowlist[0]');
    rejects(['10.0.0.0/'], 'ip_allowlist[0]');
    rejects(['10'], 'ip_allowlist[0]');
    rejects(['fe80::1%eth0/128'], 'ip_allowlist[0]');
    rejects([42], 'ip_allowlist[0]');
    rejects('10.0.0.0/8', 'ip_allowlist');
    rejects(Array.from({ length: 1_001 }, () => '10.0.0.0/8'), 'ip_allowlist', 'too_many_cidrs');
    assert.throws(() => IpAllowlist.parse(['x'], 'org.ip_allowlist'), (e: unknown) => e instanceof TollgateError && e.param === 'org.ip_allowlist[0]');
  });

  test('host bits beyond the prefix are refused with a suggestion', () => {
    const r = parseCidr('10.1.2.3/8');
    assert.ok('error' in r);
    assert.match(r.error, /did you mean 10\.0\.0\.0\/8/);
    const r6 = parseCidr('2001:db8::1/32');
    assert.ok('error' in r6 && /2001:db8::\/32/.test(r6.error));
    rejects(['10.1.2.3/8'], 'ip_allowlist[0]');
  });

  test('entries are normalised', () => {
    assert.deepEqual(IpAllowlist.parse([' 10.0.0.0/8 ', '2001:0DB8::/32', '203.0.113.7']).entries, ['10.0.0.0/8', '2001:db8::/32', '203.0.113.7/32']);
  });
});

describe('combineAllowlists', () => {
  const org = IpAllowlist.parse(['10.0.0.0/8']);
  const key = IpAllowlist.parse(['10.1.0.0/16', '192.168.0.0/16']);

  test('both set: both must allow, so a key list can only narrow the org list', () => {
    const rule = combineAllowlists(org, key);
    assert.equal(rule.allows('10.1.2.3'), true);
    assert.equal(rule.allows('10.2.0.1'), false, 'org allows, key does not');
    assert.equal(rule.allows('192.168.1.1'), false, 'key allows, org does not');
  });

  test('one set: that one decides; none set: all pass', () => {
    assert.equal(combineAllowlists(org, null).allows('10.2.0.1'), true);
    assert.equal(combineAllowlists(undefined, key).allows('10.2.0.1'), false);
    assert.equal(combineAllowlists(IpAllowlist.parse([]), key).allows('192.168.1.1'), true);
    assert.equal(combineAllowlists(null, undefined).allows('2001:db8::1'), true);
  });
});
