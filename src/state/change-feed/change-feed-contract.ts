import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import type { StoreDialect } from '../store.ts';
import { publishChange, type ChangeFeed } from './change-feed.ts';

/** Two processes' view of one database: a writer's connection and a listener's feed. */
export interface FeedWorld {
  /** Another connection to the same database (another process would have its own). */
  writer: Kysely<Database>;
  dialect: StoreDialect;
  feed: ChangeFeed;
  dispose(): Promise<void>;
}

/**
 * What every ChangeFeed adapter must do: a committed change, made on another connection, reaches
 * the listener within a second; a rolled-back one never does; unsubscribing and closing stop it.
 * @example changeFeedContract('SQLite poll', async () => ({ writer, dialect: 'sqlite', feed, dispose }));
 */
export function changeFeedContract(name: string, open: () => Promise<FeedWorld>): void {
  describe(`ChangeFeed contract: ${name}`, () => {
    let w: FeedWorld;
    before(async () => {
      w = await open();
      await w.feed.start();
    });
    after(() => w.dispose());

    const heard = (topic: string, withinMs: number) =>
      new Promise<number>((resolve) => {
        const started = Date.now();
        let off = () => {};
        const timer = setTimeout(() => {
          off();
          resolve(-1);
        }, withinMs);
        off = w.feed.subscribe((t) => {
          if (t !== topic) return;
          clearTimeout(timer);
          off();
          resolve(Date.now() - started);
        });
      });

    test('a change committed on another connection is heard within a second', async () => {
      const waiting = heard('access', 1_000);
      await w.writer.transaction().execute((trx) => publishChange(trx, w.dialect, 'access'));
      const ms = await waiting;
      assert.ok(ms >= 0, 'not heard within 1 s');
    });

    test('a change whose transaction rolls back is never heard', async () => {
      const waiting = heard('rolled-back', 800);
      await assert.rejects(
        w.writer.transaction().execute(async (trx) => {
          await publishChange(trx, w.dialect, 'rolled-back');
          throw new Error('roll back');
        }),
      );
      assert.equal(await waiting, -1);
    });

    test('each topic is told apart; an unsubscribed listener hears nothing more', async () => {
      const topics: string[] = [];
      const off = w.feed.subscribe((t) => topics.push(t));
      await w.writer.transaction().execute((trx) => publishChange(trx, w.dialect, 'budgets'));
      await sleep(600);
      assert.ok(topics.includes('budgets'), JSON.stringify(topics));
      assert.ok(!topics.includes('access'));
      off();
      const count = topics.length;
      await w.writer.transaction().execute((trx) => publishChange(trx, w.dialect, 'budgets'));
      await sleep(600);
      assert.equal(topics.length, count);
    });
  });
}
