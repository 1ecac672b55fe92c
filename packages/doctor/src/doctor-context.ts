import type pg from 'pg';
import type { DoctorEnv } from './doctor-env.js';
import type { ReplicaMetrics } from './stack-snapshot.js';

/** What every check gets: the env, one scrape of every replica, and clients of the stack's servers. */
export interface DoctorContext {
  env: DoctorEnv;
  replicas: ReplicaMetrics[];
  /** Scrapes every replica again (the queue check compares two samples). */
  rescrape: () => Promise<ReplicaMetrics[]>;
  /** A client of the primary (superuser of the local stack, or any role that may read pg_stat_*). */
  primary: pg.Client;
  /** `CLIENT LIST` of Redis. */
  redisClientList: () => Promise<string>;
  /** Name of the doctor's own Redis connection, left out of the counts. */
  ownRedisName: string;
}
