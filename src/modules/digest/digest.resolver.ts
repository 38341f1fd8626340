import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { type FamilyGrant, requireUser } from '../../auth/access.js';
import { FamilyAccess, Grant, SignedIn } from '../../auth/operation-access.js';
import { familyData } from '../../auth/type-access.js';
import type { Context } from '../../context.js';
import type { Plain } from '../../database/plain.js';
import { type Connection, connectionTypes, PageArgs } from '../../graphql/connection.js';
import { parseId } from '../../graphql/ids.js';
import { Family } from '../family/family.entity.js';
import { Digest, DigestPreference } from './digest.entities.js';
import { DigestPreferenceInput } from './digest.inputs.js';
import type { DigestContent } from './digest.sections.js';
import {
  DigestActivity,
  DigestAlerts,
  DigestCheckIns,
  DigestMood,
  DigestVitals,
} from './digest.types.js';

export const { ConnectionType: DigestConnection } = connectionTypes('Digest', Digest, 'digest');

@Resolver()
export class DigestResolver {
  @SignedIn()
  @FamilyAccess('VIEW', { familyArg: 'familyId' })
  @Mutation(() => DigestPreference, {
    description:
      "Turns the caller's daily digest e-mail of a family on or off, or sets its language.",
  })
  updateDigestPreference(
    @Arg('familyId', () => ID, { description: 'The family.' }) _familyId: string,
    @Arg('input', () => DigestPreferenceInput, { description: 'The changes.' })
    input: DigestPreferenceInput,
    @Grant() grant: FamilyGrant<'VIEW'>,
    @Ctx() ctx: Context,
  ): Promise<DigestPreference> {
    const user = requireUser(ctx.viewer);
    return ctx.app.services.digest.updatePreference(ctx, grant, user.userId, input);
  }

  // the digest names its family only once loaded: the service checks VIEW on it (NOT_FOUND
  // outside the family), and the Digest type's rule guards each field again
  @SignedIn()
  @Query(() => Digest, { description: 'One daily digest of a family the caller may view.' })
  digest(
    @Arg('id', () => ID, { description: 'The digest.' }) id: string,
    @Ctx() ctx: Context,
  ): Promise<Digest> {
    return ctx.app.services.digest.digest(ctx, parseId(id, 'Digest'));
  }
}

@Resolver(() => Family)
export class FamilyDigestResolver {
  @FieldResolver(() => DigestConnection, {
    description: 'Daily digests, newest day first (one per local day once a member opted in).',
  })
  digests(
    @Root() family: Plain<Family>,
    @Args(() => PageArgs) args: PageArgs,
    @Ctx() ctx: Context,
  ): Promise<Connection<Digest>> {
    return ctx.app.services.digest.digests(ctx.em, family.id, args);
  }

  @FieldResolver(() => DigestPreference, {
    description:
      "The caller's own daily digest e-mail choice in this family (off and KO until set).",
  })
  digestPreference(@Root() family: Plain<Family>, @Ctx() ctx: Context): Promise<DigestPreference> {
    const user = requireUser(ctx.viewer);
    return ctx.app.services.digest.preference(ctx.em, family.id, user.userId);
  }
}

/**
 * The sections of a digest, from its stored content. A section added to DigestContent gets its
 * field here.
 */
@Resolver(() => Digest)
export class DigestSectionsResolver {
  @FieldResolver(() => DigestAlerts, {
    description: 'Alerts (WARN, CRIT) raised during the day and how they stood in the morning.',
  })
  alerts(@Root() digest: Plain<Digest>): DigestAlerts {
    const alerts = content(digest).alerts;
    return {
      ...alerts,
      critical: alerts.critical.map((alert) => ({
        ...alert,
        raisedAt: new Date(alert.raisedAt),
        acknowledgedAt: alert.acknowledgedAt === null ? null : new Date(alert.acknowledgedAt),
      })),
    };
  }

  @FieldResolver(() => DigestVitals, { description: 'Ranges of the vital signs over the day.' })
  vitals(@Root() digest: Plain<Digest>): DigestVitals {
    return content(digest).vitals;
  }

  @FieldResolver(() => DigestActivity, { description: 'Activity against the 7 days before.' })
  activity(@Root() digest: Plain<Digest>): DigestActivity {
    return content(digest).activity;
  }

  @FieldResolver(() => DigestMood, { description: 'Dominant emotions of the mood readings.' })
  mood(@Root() digest: Plain<Digest>): DigestMood {
    return content(digest).mood;
  }

  @FieldResolver(() => DigestCheckIns, {
    nullable: true,
    description:
      'How the check-ins due that day were answered; null in digests made before check-ins existed.',
  })
  checkIns(@Root() digest: Plain<Digest>): DigestCheckIns | null {
    return (content(digest) as Partial<DigestContent>).checkIns ?? null;
  }
}

function content(digest: Plain<Digest>): DigestContent {
  const stored = digest.content as unknown;
  return (typeof stored === 'string' ? JSON.parse(stored) : stored) as DigestContent;
}

familyData(Digest, { familyOf: (digest) => digest.family.id, read: 'VIEW' });
familyData(DigestPreference, { familyOf: (preference) => preference.family.id, read: 'VIEW' });
