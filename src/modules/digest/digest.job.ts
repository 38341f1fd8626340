import { allows, loadStandings, standingKey } from '../../auth/access.js';
import type { Orm } from '../../database/orm.js';
import { marks } from '../../database/plain.js';
import type { Mailer } from '../../mail/mailer.js';
import type { Logger } from '../../observability/logger.js';
import { CARE_DEFAULTS } from '../routine/routine.entities.js';
import { dbDate, query } from '../../database/sql.js';
import { zoneOffsetMs } from '../routine/routine.time.js';
import { Digest, DigestDelivery } from './digest.entities.js';
import type { DigestLocale } from './digest.enums.js';
import { renderDigestMail } from './digest.render.js';
import { computeDigests, type DigestTarget } from './digest.sections.js';

/** The local hour (family time zone) from which the previous day's digest is made: 07:00. */
export const DIGEST_LOCAL_HOUR = 7;
/** How often the job looks for families whose morning has come. */
export const DIGEST_INTERVAL_MS = 5 * 60_000;
/** E-mails not sent within this long after their digest (a node died in between) are dropped. */
const DELIVERY_RETRY_MS = 12 * 3600_000;
const DAY_MS = 86_400_000;

/**
 * The local day before `now` in `zone`, once `now` is past {@link DIGEST_LOCAL_HOUR} there;
 * null earlier. Midnights take the zone's offset at each of them (exact across DST changes
 * away from midnight).
 */
export function digestDay(zone: string, now: Date): { day: string; from: Date; to: Date } | null {
  const offset = zoneOffsetMs(zone, now);
  const wallNow = now.getTime() + offset;
  const wallMidnight = Math.floor(wallNow / DAY_MS) * DAY_MS;
  if (wallNow - wallMidnight < DIGEST_LOCAL_HOUR * 3600_000) return null;
  const instant = (wall: number) => new Date(wall - zoneOffsetMs(zone, new Date(wall - offset)));
  const wallYesterday = wallMidnight - DAY_MS;
  return {
    day: new Date(wallYesterday).toISOString().slice(0, 10),
    from: instant(wallYesterday),
    to: instant(wallMidnight),
  };
}

/**
 * One run of the `daily-digest` job: for every family with a member who opted in (and may read
 * it) and whose local morning has come, the previous day's digest (sections computed for all of them at once),
 * stored once per family and day whatever the runs or nodes, with one delivery per opted-in
 * member who may read the family's data; then the e-mails, after commit, each claimed once.
 */
export async function runDigests(
  orm: Orm,
  mailer: Mailer,
  logger: Logger,
  now: Date,
): Promise<{ created: number; sent: number }> {
  const em = orm.em.fork();
  const families = await query(
    em,
    'select distinct p.family_id, coalesce(s.time_zone, ?) as time_zone from `digest_preference` p ' +
      'left join `care_settings` s on s.family_id = p.family_id where p.enabled = 1',
    [CARE_DEFAULTS.timeZone],
  );
  const due: DigestTarget[] = [];
  for (const row of families) {
    const timeZone = String(row['time_zone']);
    const day = digestDay(timeZone, now);
    if (day !== null) due.push({ familyId: Number(row['family_id']), timeZone, ...day });
  }
  let created = 0;
  if (due.length > 0) {
    const existing = await query(
      em,
      `select family_id, day from \`digest\` where family_id in (${marks(due)}) and day in (${marks(
        [...new Set(due.map((target) => target.day))],
      )})`,
      [...due.map((target) => target.familyId), ...new Set(due.map((target) => target.day))],
    );
    const done = new Set(
      existing.map((row) => `${String(row['family_id'])}:${String(row['day'])}`),
    );
    const todo = due.filter((target) => !done.has(`${target.familyId}:${target.day}`));
    created = await createDigests(orm, todo, now);
  }
  const sent = await sendPending(orm, mailer, logger, now);
  if (created + sent > 0) logger.info({ created, sent }, 'daily digests');
  return { created, sent };
}

async function createDigests(orm: Orm, due: DigestTarget[], now: Date): Promise<number> {
  if (due.length === 0) return 0;
  const em = orm.em.fork();
  const dueIds = due.map((target) => target.familyId);
  const standings = await loadStandings(em, undefined, dueIds);
  // only members whose standing may read the family's data get it (a pending applicant or a
  // member who left keeps a preference row, but no e-mail); a family left with none gets no digest
  const recipients = new Map<number, { userId: number; locale: DigestLocale }[]>();
  const preferences = await query(
    em,
    `select family_id, user_id, locale from \`digest_preference\` where enabled = 1 and family_id in (${marks(dueIds)})`,
    dueIds,
  );
  for (const row of preferences) {
    const familyId = Number(row['family_id']);
    const userId = Number(row['user_id']);
    if (!allows('VIEW', standings.get(standingKey(userId, familyId)))) continue;
    recipients.set(familyId, [
      ...(recipients.get(familyId) ?? []),
      { userId, locale: row['locale'] as DigestLocale },
    ]);
  }
  const targets = due.filter((target) => recipients.has(target.familyId));
  if (targets.length === 0) return 0;
  const contents = await computeDigests(em, targets);
  let created = 0;
  for (const target of targets) {
    await em.transactional(async (tx) => {
      // the unique (family, day) decides which run makes it: the others insert nothing
      const inserted = await tx
        .createQueryBuilder(Digest)
        .insert({
          family: target.familyId,
          day: target.day,
          timeZone: target.timeZone,
          periodStart: target.from,
          periodEnd: target.to,
          content: contents.get(target.familyId)!,
          createdAt: now,
        })
        .onConflict(['family', 'day'])
        .ignore()
        .execute<{ affectedRows: number }>('run');
      if (inserted.affectedRows === 0) return;
      created += 1;
      const digest = await tx.findOneOrFail(
        Digest,
        { family: target.familyId, day: target.day },
        { fields: ['id'] },
      );
      for (const { userId, locale } of recipients.get(target.familyId)!)
        tx.create(DigestDelivery, { digest: digest.id, user: userId, locale, createdAt: now });
      await tx.flush();
    });
  }
  return created;
}

/**
 * Sends the deliveries not sent yet (this run's, or a run's that died before sending), each
 * claimed by a conditional UPDATE first, so two nodes never send the same one: at most once.
 */
async function sendPending(orm: Orm, mailer: Mailer, logger: Logger, now: Date): Promise<number> {
  const em = orm.em.fork();
  const rows = await query(
    em,
    'select dd.id, dd.locale, u.email, u.name, d.day, d.time_zone, d.content, f.family_name ' +
      'from `digest_delivery` dd join `digest` d on d.id = dd.digest_id ' +
      'join `user` u on u.id = dd.user_id join `family` f on f.id = d.family_id ' +
      'where dd.sent_at is null and dd.created_at > ? order by dd.id',
    [dbDate(em, new Date(now.getTime() - DELIVERY_RETRY_MS))],
  );
  let sent = 0;
  for (const row of rows) {
    const claimed = await em.nativeUpdate(
      DigestDelivery,
      { id: Number(row['id']), sentAt: null },
      { sentAt: now },
    );
    if (claimed !== 1) continue;
    const content = row['content'];
    try {
      await mailer.send(
        renderDigestMail({
          to: String(row['email']),
          name: String(row['name']),
          familyName: String(row['family_name']),
          day: String(row['day']),
          timeZone: String(row['time_zone']),
          locale: row['locale'] as DigestLocale,
          content: (typeof content === 'string' ? JSON.parse(content) : content) as never,
        }),
      );
      sent += 1;
    } catch (error) {
      // not retried: a retry could not tell a lost hand-over from a delivered one
      logger.error({ err: error, delivery: row['id'] }, 'digest e-mail failed');
    }
  }
  return sent;
}
