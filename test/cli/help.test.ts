import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cleanEnv, runTollgate } from './cli-process.ts';

/*
 * Issue 9.5: `npx tollgate` with no arguments silently started a server on 8080, where a person
 * expected help. `npm start` says `serve` explicitly, so it is unaffected.
 */
test('tollgate with no arguments prints the help and starts nothing (exit 0)', () => {
  const r = runTollgate([], cleanEnv({ PORT: '0' }));
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^Usage: tollgate <command>/);
  assert.match(r.stdout, /serve .*\(npm start\)/);
  assert.doesNotMatch(r.stdout, /listening/);
});

test('an unknown command prints what is wrong and the help, and exits 2', () => {
  const r = runTollgate(['frobnicate'], cleanEnv());
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^tollgate: unknown command 'frobnicate'\n\nUsage: tollgate <command>/);
});
