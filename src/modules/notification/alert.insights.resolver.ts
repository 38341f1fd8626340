import { Arg, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context.js';
import type { Plain } from '../../database/plain.js';
import { Family } from '../family/family.entity.js';
import {
  AlertContext,
  alertContextLoader,
  AlertStats,
  alertStats,
  CONTEXT_WINDOW_MS,
} from './alert.insights.js';
import { Notification } from './notification.entity.js';
import { managedFamilies } from './notification.audience.js';

/** The incident view of an alert: the family's readings around it. */
@Resolver(() => Notification)
export class AlertContextResolver {
  @FieldResolver(() => AlertContext, {
    description:
      "The family's readings of every kind from 15 minutes before to 15 minutes after it was raised (at most 200 of each kind, oldest first).",
  })
  async context(@Root() root: Plain<Notification>, @Ctx() ctx: Context): Promise<AlertContext> {
    const readings = await alertContextLoader(ctx.em, ctx.loaders).load(root.id);
    const at = root.createdAt.getTime();
    return {
      familyId: root.family.id,
      from: new Date(at - CONTEXT_WINDOW_MS),
      to: new Date(at + CONTEXT_WINDOW_MS),
      ...readings,
    };
  }
}

/** A family's alert statistics (VIEW, like its notifications). */
@Resolver(() => Family)
export class FamilyAlertStatsResolver {
  @FieldResolver(() => AlertStats, {
    description:
      'Alerts (WARN and CRIT) raised in [from, to): by grade, kind, state and outcome, median and 90th-percentile times to acknowledge and to resolve, and the false-alarm share. At most 366 days.',
  })
  async alertStats(
    @Root() family: Plain<Family>,
    @Arg('from', () => Date, { description: 'Start of the range (inclusive).' }) from: Date,
    @Arg('to', () => Date, {
      description: 'End of the range (exclusive), after `from`, at most 366 days later.',
    })
    to: Date,
    @Ctx() ctx: Context,
  ): Promise<AlertStats> {
    const managed = await managedFamilies(ctx);
    return alertStats(
      ctx.em,
      ctx.loaders.plain,
      family.id,
      from,
      to,
      managed === null || managed.includes(family.id),
    );
  }
}
