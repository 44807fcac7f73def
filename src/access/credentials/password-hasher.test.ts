import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TollgateError } from '../../errors/index.ts';
import { OWASP_ARGON2ID, PasswordHasher } from './password-hasher.ts';
import { assertPasswordPolicy } from './password-policy.ts';

const hasher = new PasswordHasher();

describe('PasswordHasher', () => {
  test('hashes with argon2id and the OWASP parameters, salted', async () => {
    const a = await hasher.hash('correct horse battery staple');
    const b = await hasher.hash('correct horse battery staple');
    assert.match(a, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    assert.notEqual(a, b, 'each hash has its own salt');
    assert.equal(OWASP_ARGON2ID.memoryCost, 19_456);
  });

  test('verifies the right password and refuses a wrong one', async () => {
    const stored = await hasher.hash('correct horse battery staple');
    assert.equal(await hasher.verify(stored, 'correct horse battery staple'), true);
    assert.equal(await hasher.verify(stored, 'correct horse battery stapl'), false);
    assert.equal(await hasher.verify(stored, ''), false);
  });

  test('malformed stored hashes and over-long passwords verify as false', async () => {
    assert.equal(await hasher.verify('$2b$10$notargon', 'whatever password'), false);
    assert.equal(await hasher.verify('', 'whatever password'), false);
    const stored = await hasher.hash('x'.repeat(256));
    assert.equal(await hasher.verify(stored, 'x'.repeat(257)), false);
  });

  test('timing-safe: an unknown account still costs a full argon2 verification', async () => {
    const stored = await hasher.hash('correct horse battery staple');
    await hasher.verify(null, 'warm up the dummy hash');
    // The fastest of several runs: a busy machine can only slow a run down, never speed it up, so the
    // minimum is what the work itself costs (a sum of runs let one stall decide the outcome).
    const time = async (f: () => Promise<unknown>) => {
      let best = Infinity;
      for (let i = 0; i < 7; i++) {
        const t0 = process.hrtime.bigint();
        await f();
        best = Math.min(best, Number(process.hrtime.bigint() - t0));
      }
      return best;
    };
    const real = await time(() => hasher.verify(stored, 'wrong password here'));
    const missing = await time(() => hasher.verify(null, 'wrong password here'));
    assert.equal(await hasher.verify(null, 'tollgate-dummy-password-for-timing'), false, 'the dummy hash never verifies');
    assert.ok(missing > real * 0.25, `unknown account took ${missing} ns vs ${real} ns for a real one`);
  });

  test('needsRehash when parameters or algorithm differ', async () => {
    const weak = new PasswordHasher({ memoryCost: 8_192, timeCost: 1, parallelism: 1 });
    const old = await weak.hash('correct horse battery staple');
    assert.equal(hasher.needsRehash(old), true);
    assert.equal(weak.needsRehash(old), false);
    assert.equal(hasher.needsRehash('$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA'), true);
    assert.equal(await weak.verify(old, 'correct horse battery staple'), true, 'old hashes still verify');
  });
});

describe('assertPasswordPolicy', () => {
  const rejects = (pw: unknown, param?: string) =>
    assert.throws(
      () => assertPasswordPolicy(pw, param),
      (e: unknown) => e instanceof TollgateError && e.status === 400 && e.code === 'weak_password' && e.param === (param ?? 'password'),
    );

  test('accepts 12 to 256 characters', () => {
    assertPasswordPolicy('twelve chars');
    assertPasswordPolicy('x'.repeat(256));
    assertPasswordPolicy('🔑'.repeat(12), 'new_password');
  });

  test('refuses short, long, blank and non-string passwords, naming the field', () => {
    rejects('elevenchars');
    rejects('x'.repeat(257));
    rejects(' \t'.repeat(10));
    rejects(12345678901234);
    rejects('short', 'new_password');
  });
});
