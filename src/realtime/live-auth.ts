import DataLoader from 'dataloader';
import { deviceStanding, type FamilyStanding, loadStandings, standingKey } from '../auth/access.js';
import type { Credential } from '../auth/credentials.js';
import { authenticateDevice } from '../auth/devices.js';
import { authenticateSessionHashes, sessionHash } from '../auth/sessions.js';
import type { Viewer } from '../auth/viewer.js';
import type { Orm } from '../database/orm.js';

/**
 * Re-authorises live deliveries. Every subscriber of an event is checked when the event is
 * delivered, never from a cache; the checks of all subscribers that one event reaches are
 * batched (DataLoader, no caching) into a couple of queries instead of a few per socket.
 */
/**
 * Keys per batched query: an event to 10,000 sockets is a couple of queries, not dozens (each
 * a statement to prepare), and still far below SQLite's 32,766 bound parameters.
 */
const MAX_BATCH = 5000;

/**
 * Loads wait for the end of the event loop's turn, not of the current tick: in a burst every
 * socket's message arrives in its own I/O callback, and a batch per tick would be a query per
 * socket (a round trip each on MariaDB); one event's checks all start in one tick anyway.
 */
const options = {
  cache: false,
  maxBatchSize: MAX_BATCH,
  batchScheduleFn: (callback: () => void) => setImmediate(callback),
} as const;

/** From how many users of a few families a batch asks for the families' members instead. */
const FAMILY_QUERY_FROM = 200;

export class LiveAuthorizer {
  private readonly sessions: DataLoader<string, Viewer | null>;
  /** A socket's token hashed once, not at every check (the hash of a token never changes). */
  private readonly hashes = new WeakMap<Credential, string | null>();
  private readonly standings: DataLoader<string, FamilyStanding | undefined>;
  private readonly userStandings: DataLoader<number, ReadonlyMap<string, FamilyStanding>>;

  constructor(private readonly orm: Orm) {
    this.sessions = new DataLoader(
      (hashes) => authenticateSessionHashes(this.orm.em.fork(), hashes),
      options,
    );
    this.standings = new DataLoader((keys) => this.loadStandings(keys), options);
    this.userStandings = new DataLoader(async (users) => {
      const standing = await loadStandings(this.orm.em.fork(), users);
      const byUser = new Map(users.map((user) => [user, new Map<string, FamilyStanding>()]));
      for (const [key, value] of standing)
        byUser.get(Number(key.slice(0, key.indexOf(':'))))?.set(key, value);
      return users.map((user) => byUser.get(user)!);
    }, options);
  }

  /** Who a socket's credential belongs to now, or null when it no longer works. */
  async viewer(credential: Credential): Promise<Viewer | null> {
    switch (credential.kind) {
      case 'session': {
        let hash = this.hashes.get(credential);
        if (hash === undefined) {
          hash = sessionHash(credential.token);
          this.hashes.set(credential, hash);
        }
        // a string that cannot be a token is no session, and nothing to ask the database
        return hash === null ? null : this.sessions.load(hash);
      }
      case 'device':
        return authenticateDevice(this.orm.em.fork(), credential.token);
      case 'none':
        return null;
    }
  }

  /** Where the viewer stands in a family now (ACTIVE memberships, ownership, a device's own family). */
  async standing(viewer: Viewer, familyId: number): Promise<FamilyStanding | undefined> {
    if (viewer.kind === 'device')
      return viewer.familyId === familyId ? deviceStanding(viewer) : undefined;
    if (viewer.kind !== 'user') return undefined;
    return this.standings.load(standingKey(viewer.userId, familyId));
  }

  /**
   * Every family a user stands in (`loadStandings` keys), read now; the lookups of operations
   * starting together (a burst of subscriptions) are batched.
   */
  async standingsOf(userId: number): Promise<ReadonlyMap<string, FamilyStanding>> {
    return this.userStandings.load(userId);
  }

  private async loadStandings(keys: readonly string[]): Promise<(FamilyStanding | undefined)[]> {
    const pairs = keys.map((key) => key.split(':').map(Number) as [number, number]);
    const users = [...new Set(pairs.map(([user]) => user))];
    const families = [...new Set(pairs.map(([, family]) => family))];
    // one event to a big family asks for thousands of its members: then ask for the family's
    // members instead (as many rows, a handful of bound parameters instead of thousands)
    const byFamily = users.length >= FAMILY_QUERY_FROM && families.length * 10 <= users.length;
    const standing = await loadStandings(
      this.orm.em.fork(),
      byFamily ? undefined : users,
      families,
    );
    return keys.map((key) => standing.get(key));
  }
}
