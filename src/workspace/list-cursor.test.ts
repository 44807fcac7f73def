import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TollgateError } from '../errors/index.ts';
import { decodeCursor, encodeCursor } from './list-cursor.ts';
import { searchTerms } from './search/search-terms.ts';
import { cleanTitle, fallbackTitle } from './chat/title-generator.ts';
import { loopbackBaseUrl } from './chat/http-chat-runner.ts';

describe('list cursor', () => {
  test('round-trips', () => {
    const p = { updatedAt: 1_764_000_000_000, id: 'conv_0123456789abcdef01234567' };
    assert.deepEqual(decodeCursor(encodeCursor(p)), p);
  });
  test('anything else is 400 invalid_parameter on cursor', () => {
    const bad = ['', '=', 'not base64!', Buffer.from('{}').toString('base64url'), Buffer.from('[1.5,"a"]').toString('base64url'), Buffer.from('[-1,"a"]').toString('base64url'), Buffer.from('[1,""]').toString('base64url'), Buffer.from(`[1,"${'a'.repeat(101)}"]`).toString('base64url'), Buffer.from('[1,"a",3]').toString('base64url')];
    for (const c of bad) {
      assert.throws(() => decodeCursor(c), (e: unknown) => e instanceof TollgateError && e.status === 400 && e.param === 'cursor', c);
    }
  });
});

describe('search terms', () => {
  test('words only, lower-cased, deduplicated, at most 12', () => {
    assert.deepEqual(searchTerms('"Budget" AND q3-report*'), ['budget', 'and', 'q3', 'report']);
    assert.deepEqual(searchTerms('Café CAFÉ 東京'), ['café', '東京']);
    assert.equal(searchTerms(Array.from({ length: 20 }, (_, i) => `w${i}`).join(' ')).length, 12);
    assert.throws(() => searchTerms(' *:() "" '), (e: unknown) => e instanceof TollgateError && e.param === 'q');
  });
});

describe('titles', () => {
  test('a model answer is cleaned to one short line; a useless one falls back', () => {
    assert.equal(cleanTitle('"Token Buckets Explained."\nmore'), 'Token Buckets Explained');
    assert.equal(cleanTitle('Title: **Rate limits**'), 'Rate limits');
    assert.equal(cleanTitle('  \n'), undefined);
    assert.ok(cleanTitle('word '.repeat(40))!.length <= 81);
    assert.equal(fallbackTitle('How do I\tsplit a\nbill fairly between friends who ate different things?'), 'How do I split a bill fairly between friends who ate…');
    assert.equal(fallbackTitle('\u0000\u0001'), 'New conversation');
  });
});

describe('loopback URL of the temporary HTTP runner', () => {
  test('wildcard addresses become loopback', () => {
    assert.equal(loopbackBaseUrl({ address: '0.0.0.0', family: 'IPv4', port: 8080 }), 'http://127.0.0.1:8080');
    assert.equal(loopbackBaseUrl({ address: '::', family: 'IPv6', port: 8080 }), 'http://[::1]:8080');
    assert.equal(loopbackBaseUrl({ address: '10.1.2.3', family: 'IPv4', port: 1 }), 'http://10.1.2.3:1');
    assert.equal(loopbackBaseUrl('/tmp/sock'), undefined);
    assert.equal(loopbackBaseUrl(null), undefined);
  });
});
