import type { CompiledQuery, DatabaseConnection, Dialect, Driver, QueryResult } from 'kysely';

/** The table `publishChange` bumps; an insert into it is how a change's topic is recognised. */
const CHANGE_TABLE = 'change_versions';

/**
 * Tells this process which change topics its own writes have committed, the moment they commit:
 * the hook a faster-than-the-store notifier (Redis pub/sub) needs to publish a change only once it
 * is visible to readers, without every caller of `publishChange` having to announce it again after
 * its transaction. A rolled-back transaction announces nothing.
 */
export class CommittedChanges {
  private readonly listeners = new Set<(topic: string) => void>();

  /** Calls `listener` with each topic committed by this process. Returns the unsubscribe function. */
  subscribe(listener: (topic: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** @internal Called by the dialect after a commit (or an autocommitted change). */
  announce(topics: Iterable<string>): void {
    for (const topic of topics) {
      for (const listener of this.listeners) {
        try {
          listener(topic);
        } catch {
          // A listener's failure must not fail the write that has already committed.
        }
      }
    }
  }
}

/**
 * Wraps a Kysely dialect so that `publishChange`'s counter bump is remembered per connection and
 * announced to `committed` after the transaction commits (dropped on rollback). One extra property
 * check per query; nothing else changes.
 * @example new Kysely({ dialect: announcingCommits(new PostgresDialect({ pool }), committed) })
 */
export function announcingCommits(dialect: Dialect, committed: CommittedChanges): Dialect {
  return {
    createDriver: () => announcingDriver(dialect.createDriver(), committed),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createAdapter: () => dialect.createAdapter(),
    createIntrospector: (db) => dialect.createIntrospector(db),
  };
}

/** A connection of the wrapped driver, with the topics its open transaction has bumped. */
class AnnouncingConnection implements DatabaseConnection {
  inTransaction = false;
  pending = new Set<string>();

  constructor(
    readonly inner: DatabaseConnection,
    private readonly committed: CommittedChanges,
  ) {}

  executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const topic = changedTopic(compiled);
    // Every other query goes straight through (no extra promise on the hot path).
    if (topic === undefined) return this.inner.executeQuery<R>(compiled);
    return this.inner.executeQuery<R>(compiled).then((result) => {
      if (this.inTransaction) this.pending.add(topic);
      else this.committed.announce([topic]);
      return result;
    });
  }

  streamQuery<R>(compiled: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(compiled, chunkSize);
  }
}

type Compile = Parameters<NonNullable<Driver['savepoint']>>[2];

/** The inner driver, with commits and rollbacks settling each connection's pending topics. */
function announcingDriver(inner: Driver, committed: CommittedChanges): Driver {
  const wrapped = new WeakMap<DatabaseConnection, AnnouncingConnection>();
  const settle = (connection: DatabaseConnection): string[] => {
    const c = connection as AnnouncingConnection;
    c.inTransaction = false;
    const topics = [...c.pending];
    c.pending.clear();
    return topics;
  };
  return {
    init: () => inner.init(),
    async acquireConnection() {
      const connection = await inner.acquireConnection();
      let wrapper = wrapped.get(connection);
      if (!wrapper) {
        wrapper = new AnnouncingConnection(connection, committed);
        wrapped.set(connection, wrapper);
      }
      return wrapper;
    },
    async beginTransaction(connection, settings) {
      await inner.beginTransaction(unwrap(connection), settings);
      const c = connection as AnnouncingConnection;
      c.inTransaction = true;
      c.pending.clear();
    },
    async commitTransaction(connection) {
      try {
        await inner.commitTransaction(unwrap(connection));
      } catch (err) {
        settle(connection);
        throw err;
      }
      const topics = settle(connection);
      if (topics.length > 0) committed.announce(topics);
    },
    async rollbackTransaction(connection) {
      settle(connection);
      await inner.rollbackTransaction(unwrap(connection));
    },
    // Savepoints only when the inner driver has them (Kysely checks for the methods).
    ...(inner.savepoint ? { savepoint: (c: DatabaseConnection, name: string, compile: Compile) => inner.savepoint!(unwrap(c), name, compile) } : {}),
    ...(inner.rollbackToSavepoint ? { rollbackToSavepoint: (c: DatabaseConnection, name: string, compile: Compile) => inner.rollbackToSavepoint!(unwrap(c), name, compile) } : {}),
    ...(inner.releaseSavepoint ? { releaseSavepoint: (c: DatabaseConnection, name: string, compile: Compile) => inner.releaseSavepoint!(unwrap(c), name, compile) } : {}),
    releaseConnection: (connection) => inner.releaseConnection(unwrap(connection)),
    destroy: () => inner.destroy(),
  };
}

function unwrap(connection: DatabaseConnection): DatabaseConnection {
  return connection instanceof AnnouncingConnection ? connection.inner : connection;
}

/** The topic of `publishChange`'s insert (its first parameter), else undefined. */
function changedTopic(compiled: CompiledQuery): string | undefined {
  const node = compiled.query as { kind: string; into?: { table?: { identifier?: { name?: string } } } };
  if (node.kind !== 'InsertQueryNode' || node.into?.table?.identifier?.name !== CHANGE_TABLE) return undefined;
  const topic = compiled.parameters[0];
  return typeof topic === 'string' ? topic : undefined;
}
