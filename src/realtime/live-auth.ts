import DataLoader from 'dataloader';
import { deviceStanding, type FamilyStanding, loadStandings, standingKey } from '../auth/access.js';
import type { Credential } from '../auth/credentials.js';
import { authenticateDevice } from '../auth/devices.js';
import { authenticateSessions } from '../auth/sessions.js';
import type { Viewer } from '../auth/viewer.js';
import type { Orm } from '../database/orm.js';

/**
 * Re-authorises live deliveries. Every subscriber of an event is checked when the event is
 * delivered, never from a cache; the checks of all subscribers that one event reaches are
 * batched (DataLoader, no caching) into a couple of queries instead of a few per socket.
 */
export class LiveAuthorizer {
  private readonly sessions: DataLoader<string, Viewer | null>;
  private readonly standings: DataLoader<string, FamilyStanding | undefined>;

  constructor(private readonly orm: Orm) {
    this.sessions = new DataLoader((tokens) => authenticateSessions(this.orm.em.fork(), tokens), {
      cache: false,
      maxBatchSize: 500,
    });
    this.standings = new DataLoader((keys) => this.loadStandings(keys), {
      cache: false,
      maxBatchSize: 500,
    });
  }

  /** Who a socket's credential belongs to now, or null when it no longer works. */
  async viewer(credential: Credential): Promise<Viewer | null> {
    switch (credential.kind) {
      case 'session':
        return this.sessions.load(credential.token);
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

  private async loadStandings(keys: readonly string[]): Promise<(FamilyStanding | undefined)[]> {
    const pairs = keys.map((key) => key.split(':').map(Number) as [number, number]);
    const users = [...new Set(pairs.map(([user]) => user))];
    const families = [...new Set(pairs.map(([, family]) => family))];
    const standing = await loadStandings(this.orm.em.fork(), users, families);
    return keys.map((key) => standing.get(key));
  }
}
