import { IsOptional, Matches } from 'class-validator';
import { Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import { marks, PlainReader } from '../../database/plain.js';
import type { Scope } from '../../scope.js';
import { managedFamilies } from '../notification/notification.audience.js';
import { CareSession } from './care-session.entities.js';
import { CareSessionState } from './care-session.enums.js';

@InputType({ description: 'Which elders `myElders` lists; every field is optional.' })
export class ElderFilterInput {
  @Field(() => String, {
    nullable: true,
    description:
      "Only elders living in this region: a two-digit province code or a five-digit municipality code (the main user's).",
  })
  @IsOptional()
  @Matches(/^(\d{2}|\d{5})$/, { message: 'must be a two- or five-digit region code' })
  regionCode?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description:
      'true: only elders with open (unacknowledged WARN or CRIT) alerts; false: only without.',
  })
  @IsOptional()
  hasOpenAlerts?: boolean | null;

  @Field(() => [CareSessionState], {
    nullable: true,
    description: 'Only elders whose last care session is in one of these states.',
  })
  @IsOptional()
  lastSessionStates?: CareSessionState[] | null;
}

/** One elder on a care worker's roster: a family the viewer follows, summarised. */
@ObjectType({ description: "An elder on a care worker's roster (one family the viewer follows)." })
export class ElderSummary {
  @Field(() => ID, { description: 'The family.' })
  familyId!: number;

  @Field({ description: 'The family’s name.' })
  familyName!: string;

  @Field({ description: 'The elder’s (main user’s) name.' })
  elderName!: string;

  @Field(() => String, { nullable: true, description: 'The elder’s municipality code.' })
  subRegionCode!: string | null;

  @Field(() => Int, {
    description:
      'Open (not yet acknowledged, resolved or cancelled) WARN and CRIT alerts the viewer can see.',
  })
  openAlerts!: number;

  @Field(() => Int, { description: 'Open CRIT alerts the viewer can see.' })
  openCriticalAlerts!: number;

  @Field(() => CareSession, {
    nullable: true,
    description: 'The last care session (its state, kind and times), if any.',
  })
  lastSession!: CareSession | null;

  @Field(() => Float, { nullable: true, description: 'The latest assessment score, if any.' })
  latestScore!: number | null;

  @Field(() => Int, {
    description:
      'How urgent: 100 per open CRIT alert, 10 per open WARN, 5 when the last session failed, timed out or got no response. The roster is sorted by it, highest first.',
  })
  urgency!: number;
}

const TROUBLED: ReadonlySet<string> = new Set([
  CareSessionState.FAILED,
  CareSessionState.TIMED_OUT,
  CareSessionState.NO_RESPONSE,
]);

/**
 * The roster of a member who follows many families, in one plain statement after the standings
 * (whatever the number of families): each family with its elder, open alert counts, last
 * session and latest score, filtered and sorted by urgency here.
 */
export async function myElders(
  ctx: Scope,
  filter: ElderFilterInput | null | undefined,
): Promise<ElderSummary[]> {
  const familyIds = await ctx.access.familiesAllowed('VIEW');
  if (familyIds.length === 0) return [];
  const plain = new PlainReader(ctx.em);
  // what the viewer's notification list shows: out of the grace window, and MANAGERS alerts only
  // in the families the viewer manages (the standings are loaded: no statement of its own)
  const managed = (await managedFamilies(ctx)) ?? familyIds;
  const heard =
    "n.state = 'OPEN' and n.device_only = 0 and " +
    (managed.length === 0
      ? "n.audience = 'FAMILY'"
      : `(n.audience = 'FAMILY' or n.family_id in (${marks(managed)}))`);
  const rows = await plain.query(
    'select f.id as family_id, f.family_name, u.name as elder_name, u.sub_region_code, ' +
      `(select count(*) from \`notification\` n where n.family_id = f.id and ${heard} and n.grade in ('WARN', 'CRIT')) as open_alerts, ` +
      `(select count(*) from \`notification\` n where n.family_id = f.id and ${heard} and n.grade = 'CRIT') as open_critical, ` +
      `${plain.columns(CareSession, 's', 's_')}, ` +
      "(select r.score from `assessment_result` r where r.family_id = f.id and r.status = 'DONE' order by r.id desc limit 1) as latest_score " +
      'from `family` f join `user` u on u.id = f.main_user_id ' +
      'left join `care_session` s on s.id = (select max(c.id) from `care_session` c where c.family_id = f.id) ' +
      `where f.id in (${marks(familyIds)})`,
    [...managed, ...managed, ...familyIds],
  );
  const elders = rows.map((row): ElderSummary => {
    const openAlerts = Number(row['open_alerts']);
    const openCriticalAlerts = Number(row['open_critical']);
    const lastSession = plain.row(CareSession, row, 's_');
    const state = lastSession?.state ?? null;
    return {
      familyId: Number(row['family_id']),
      familyName: String(row['family_name']),
      elderName: String(row['elder_name']),
      subRegionCode: (row['sub_region_code'] as string | null) ?? null,
      openAlerts,
      openCriticalAlerts,
      lastSession,
      latestScore: row['latest_score'] == null ? null : Number(row['latest_score']),
      urgency:
        100 * openCriticalAlerts +
        10 * (openAlerts - openCriticalAlerts) +
        (state !== null && TROUBLED.has(state) ? 5 : 0),
    };
  });
  const region = filter?.regionCode ?? null;
  const states = filter?.lastSessionStates ?? null;
  return elders
    .filter((elder) => region === null || (elder.subRegionCode ?? '').startsWith(region))
    .filter(
      (elder) => filter?.hasOpenAlerts == null || elder.openAlerts > 0 === filter.hasOpenAlerts,
    )
    .filter(
      (elder) =>
        states === null || (elder.lastSession !== null && states.includes(elder.lastSession.state)),
    )
    .sort((a, b) => b.urgency - a.urgency || a.familyId - b.familyId);
}
