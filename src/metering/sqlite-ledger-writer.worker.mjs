// The SQLite ledger writer (see sqlite-ledger-writer.ts): a worker thread with its own connection
// to the database file. Plain JavaScript because a worker does not inherit the tsx loader that the
// main thread runs under. It receives batches already laid out as rows of values and writes each
// batch, ledger rows and day sums together, in one transaction.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const { path, ledgerColumns, dailyKeys, dailySums } = workerData;
const db = new Database(path);
db.pragma('busy_timeout = 5000');
db.pragma('synchronous = NORMAL');

const insertRow = db.prepare(
  `insert into usage_records (${ledgerColumns.join(', ')}) values (${ledgerColumns.map(() => '?').join(', ')})`,
);
const dailyColumns = [...dailyKeys, ...dailySums];
const upsertDay = db.prepare(
  `insert into usage_daily (${dailyColumns.join(', ')}) values (${dailyColumns.map(() => '?').join(', ')}) ` +
    `on conflict (${dailyKeys.join(', ')}) do update set ` +
    dailySums.map((c) => `${c} = usage_daily.${c} + excluded.${c}`).join(', '),
);
const writeBatch = db.transaction((rows, days) => {
  for (const row of rows) insertRow.run(row);
  for (const day of days) upsertDay.run(day);
});

parentPort.on('message', (message) => {
  if (message === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    writeBatch(message.rows, message.days);
    parentPort.postMessage({ id: message.id });
  } catch (err) {
    parentPort.postMessage({ id: message.id, error: err instanceof Error ? err.message : String(err) });
  }
});
