import { randomBytes } from 'node:crypto';
import { createOrm } from './orm.js';

/** A throwaway MariaDB database: its URL, its name, and how to drop it. */
export interface ScratchDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/**
 * Creates a new, empty MariaDB database beside the one in `baseUrl`, for tests and benchmarks
 * (their user may create `<prefix>…` databases). Never used by the running API.
 */
export async function createScratchMariaDb(
  baseUrl: string,
  prefix: string,
): Promise<ScratchDatabase> {
  // the name is ours (a fixed prefix and random hex), never outside text
  const name = `${prefix}${randomBytes(6).toString('hex')}`;
  const admin = await createOrm({
    database: { driver: 'mariadb', url: baseUrl },
    dbPoolMax: 1,
    dbDebug: false,
  });
  await admin.em
    .getConnection()
    .execute(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: async () => {
      await admin.em.getConnection().execute(`DROP DATABASE IF EXISTS \`${name}\``);
      await admin.close();
    },
  };
}
