import DataLoader from 'dataloader';
import { deviceStanding, type FamilyStanding, loadStandings } from '../auth/access.js';
import type { Credential } from '../auth/credentials.js';
import { authenticateDevice } from '../auth/devices.js';
import { authenticateSessionHashes, sessionHash } from '../auth/sessions.js';
import type { UserViewer, Viewer } from '../auth/viewer.js';
import type { Orm } from '../database/orm.js';
import type { EventBus } from './events.js';
import type { LiveAccessEvent } from './pubsub.js';

/**
 * Re-authorises live deliveries. Every subscriber of an event is checked when the event is
 * delivered. Connects, new operations and the periodic socket check read the database
 * ({@link LiveAuthorizer.viewer}); the per-event checks ({@link LiveAuthorizer.cachedViewer},
 * {@link LiveAuthorizer.standing}) answer from a cache of sessions and of families' standings
 * that every change drops at once: `EventBus.liveAccessChanged` (log-out, revoked session,
 * password change, suspension, deletion, any membership change) clears it synchronously on the
 * process that made the change and, through the pub/sub, on every other process before any
 * event published after the change is delivered there (Redis delivers one connection's messages
 * in order, and a delivery checks only after the event loop's turn — see `LiveFanout.deliver`).
 * Misses are batched (DataLoader) into a couple of queries instead of a few per socket.
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

interface CachedSession {
  viewer: UserViewer;
  /** ms: the session's expiry as read, or the cache bound, whichever is first */
  until: number;
}

interface CachedFamily {
  /** user id → standing (ACTIVE members and the main user) */
  members: ReadonlyMap<number, FamilyStanding>;
  until: number;
}

export class LiveAuthorizer {
  private readonly sessions: DataLoader<string, Viewer | null>;
  /** A socket's token hashed once, not at every check (the hash of a token never changes). */
  private readonly hashes = new WeakMap<Credential, string | null>();
  private readonly families: DataLoader<number, ReadonlyMap<number, FamilyStanding>>;
  private readonly userStandings: DataLoader<number, ReadonlyMap<string, FamilyStanding>>;

  /** Valid sessions by token hash (a refused one is not kept: it is read again). */
  private readonly sessionCache = new Map<string, CachedSession>();
  /**
   * The cached token hashes of each user, to drop them together: most users have one session,
   * kept as the string itself rather than in a Set of its own.
   */
  private readonly hashesByUser = new Map<number, string | Set<string>>();
  private readonly familyCache = new Map<number, CachedFamily>();
  /** One read per family at a time: 10,000 subscribers of one family wait for the same rows. */
  private readonly familyReads = new Map<number, Promise<ReadonlyMap<number, FamilyStanding>>>();
  /**
   * Bumped by every invalidation: a read that started before a change may have seen the old
   * state, so its answer serves the check that asked for it and is not kept.
   */
  private generation = 0;
  private nextSweep = 0;
  private readonly maxAgeMs: number;
  private readonly clock: () => Date;

  constructor(
    private readonly orm: Orm,
    settings: {
      events?: Pick<EventBus, 'onLiveAccessChanged'>;
      /**
       * How long a cached session or family may answer without being read again: the bound for a
       * change made outside the API, or whose announcement was lost (Redis pub/sub is at most
       * once, e.g. across a reconnect). The socket re-authentication interval: the same bound a
       * quiet socket already has, and its periodic check reads every open socket's session again,
       * which keeps their entries fresh. A session is never used past its own expiry either.
       */
      maxAgeMs?: number;
      /** The application's clock, for a device's `lastSeenAt`; the system clock by default. */
      clock?: () => Date;
    } = {},
  ) {
    this.maxAgeMs = settings.maxAgeMs ?? 300_000;
    this.clock = settings.clock ?? (() => new Date());
    this.sessions = new DataLoader(
      (hashes) => authenticateSessionHashes(this.orm.em.fork(), hashes),
      options,
    );
    this.families = new DataLoader(async (familyIds) => {
      const wanted = [...new Set(familyIds)];
      const standing = await loadStandings(this.orm.em.fork(), undefined, wanted);
      const byFamily = new Map(wanted.map((id) => [id, new Map<number, FamilyStanding>()]));
      for (const [key, value] of standing) {
        const [user, family] = key.split(':').map(Number) as [number, number];
        byFamily.get(family)?.set(user, value);
      }
      return familyIds.map((id) => byFamily.get(id)!);
    }, options);
    this.userStandings = new DataLoader(async (users) => {
      const standing = await loadStandings(this.orm.em.fork(), users);
      const byUser = new Map(users.map((user) => [user, new Map<string, FamilyStanding>()]));
      for (const [key, value] of standing)
        byUser.get(Number(key.slice(0, key.indexOf(':'))))?.set(key, value);
      return users.map((user) => byUser.get(user)!);
    }, options);
    settings.events?.onLiveAccessChanged((event) => this.forget(event));
  }

  private hashOf(credential: Credential & { kind: 'session' }): string | null {
    let hash = this.hashes.get(credential);
    if (hash === undefined) {
      hash = sessionHash(credential.token);
      this.hashes.set(credential, hash);
    }
    return hash;
  }

  /**
   * Who a socket's credential belongs to now, or null when it no longer works: read from the
   * database (for a session, it also counts as activity: the idle expiry slides). What it reads
   * of a session refreshes the cache of {@link cachedViewer}.
   */
  async viewer(credential: Credential): Promise<Viewer | null> {
    switch (credential.kind) {
      case 'session': {
        const hash = this.hashOf(credential);
        // a string that cannot be a token is no session, and nothing to ask the database
        return hash === null ? null : this.readSession(hash);
      }
      case 'device':
        return authenticateDevice(this.orm.em.fork(), credential.token, this.clock());
      case 'none':
        return null;
    }
  }

  /**
   * {@link viewer} for the delivery of one event: a session checked recently answers from the
   * cache (dropped at once when it ends, see the class comment); anything else is read.
   */
  async cachedViewer(credential: Credential): Promise<Viewer | null> {
    if (credential.kind !== 'session') return this.viewer(credential);
    const hash = this.hashOf(credential);
    if (hash === null) return null;
    const now = Date.now();
    const hit = this.sessionCache.get(hash);
    if (hit !== undefined && hit.until > now) return hit.viewer;
    return this.readSession(hash);
  }

  private async readSession(hash: string): Promise<Viewer | null> {
    const generation = this.generation;
    const viewer = await this.sessions.load(hash);
    if (viewer?.kind !== 'user') this.sessionCache.delete(hash);
    else if (generation === this.generation) this.keepSession(hash, viewer);
    return viewer;
  }

  private keepSession(hash: string, viewer: UserViewer): void {
    const now = Date.now();
    if (now >= this.nextSweep) this.sweep(now);
    const until = Math.min(viewer.session.expiresAt.getTime(), now + this.maxAgeMs);
    this.sessionCache.set(hash, { viewer, until });
    const hashes = this.hashesByUser.get(viewer.userId);
    if (hashes === undefined || hashes === hash) this.hashesByUser.set(viewer.userId, hash);
    else if (typeof hashes === 'string')
      this.hashesByUser.set(viewer.userId, new Set([hashes, hash]));
    else hashes.add(hash);
  }

  private hashesOf(userId: number): Iterable<string> {
    const hashes = this.hashesByUser.get(userId);
    return hashes === undefined ? [] : typeof hashes === 'string' ? [hashes] : hashes;
  }

  /** Drops entries past their bound (sessions of closed sockets, families no one hears of). */
  private sweep(now: number): void {
    this.nextSweep = now + this.maxAgeMs;
    for (const [hash, cached] of this.sessionCache) {
      if (cached.until > now) continue;
      this.sessionCache.delete(hash);
      const { userId } = cached.viewer;
      const hashes = this.hashesByUser.get(userId);
      if (hashes === hash) this.hashesByUser.delete(userId);
      else if (typeof hashes === 'object') {
        hashes.delete(hash);
        if (hashes.size === 0) this.hashesByUser.delete(userId);
      }
    }
    for (const [familyId, cached] of this.familyCache)
      if (cached.until <= now) this.familyCache.delete(familyId);
  }

  /**
   * Drops every cached session and standing: announcements may have been lost (the Redis
   * subscriber reconnected), so the next check of each reads again.
   */
  forgetAll(): void {
    this.generation += 1;
    this.sessionCache.clear();
    this.hashesByUser.clear();
    this.familyCache.clear();
    this.familyReads.clear();
  }

  /** What a change makes stale: the users' sessions, and every family they or `familyIds` stand in. */
  private forget(event: LiveAccessEvent): void {
    this.generation += 1;
    for (const userId of event.userIds) {
      for (const hash of this.hashesOf(userId)) this.sessionCache.delete(hash);
      this.hashesByUser.delete(userId);
      for (const [familyId, cached] of this.familyCache)
        if (cached.members.has(userId)) this.familyCache.delete(familyId);
    }
    for (const familyId of event.familyIds) this.familyCache.delete(familyId);
    // a read in flight may predate the change: later checks read again
    this.familyReads.clear();
  }

  /**
   * Where the viewer stands in a family (ACTIVE memberships, ownership, a device's own family),
   * for the delivery of an event: from the cache of the family's standings, read whole.
   */
  async standing(viewer: Viewer, familyId: number): Promise<FamilyStanding | undefined> {
    if (viewer.kind === 'device')
      return viewer.familyId === familyId ? deviceStanding(viewer) : undefined;
    if (viewer.kind !== 'user') return undefined;
    const hit = this.familyCache.get(familyId);
    if (hit !== undefined && hit.until > Date.now()) {
      const standing = hit.members.get(viewer.userId);
      // only a standing the cache holds is trusted; a viewer it does not know is read again, so
      // a membership made without an announcement (a script, another tool) is not refused
      if (standing !== undefined) return standing;
    }
    return (await this.readFamily(familyId)).get(viewer.userId);
  }

  private readFamily(familyId: number): Promise<ReadonlyMap<number, FamilyStanding>> {
    let read = this.familyReads.get(familyId);
    if (read !== undefined) return read;
    const generation = this.generation;
    read = this.families.load(familyId).then(
      (members) => {
        if (this.familyReads.get(familyId) === read) this.familyReads.delete(familyId);
        if (generation === this.generation) {
          const now = Date.now();
          if (now >= this.nextSweep) this.sweep(now);
          this.familyCache.set(familyId, { members, until: now + this.maxAgeMs });
        }
        return members;
      },
      (error: unknown) => {
        if (this.familyReads.get(familyId) === read) this.familyReads.delete(familyId);
        throw error;
      },
    );
    this.familyReads.set(familyId, read);
    return read;
  }

  /**
   * Every family a user stands in (`loadStandings` keys), read now; the lookups of operations
   * starting together (a burst of subscriptions) are batched.
   */
  async standingsOf(userId: number): Promise<ReadonlyMap<string, FamilyStanding>> {
    return this.userStandings.load(userId);
  }
}
