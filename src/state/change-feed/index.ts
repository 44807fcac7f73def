export { ACCESS_TOPIC, BUDGETS_TOPIC, PG_CHANNEL, publishChange, type ChangeFeed } from './change-feed.ts';
export { createChangeFeed, type ChangeFeedOptions } from './create-change-feed.ts';
export { PgNotifyChangeFeed, type PgNotifyOptions } from './pg-notify-change-feed.ts';
export { SqlitePollChangeFeed, type PollOptions } from './sqlite-poll-change-feed.ts';
export { CommittedChanges } from './committed-changes-dialect.ts';
export { startChangeFeed, type StartChangeFeedOptions, type StartedChangeFeed } from './start-change-feed.ts';
export { collectCommittedChanges } from './publish-on-redis.ts';
