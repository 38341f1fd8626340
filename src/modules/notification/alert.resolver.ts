import {
  Arg,
  Args,
  ArgsType,
  Ctx,
  Field,
  FieldResolver,
  ID,
  Int,
  Mutation,
  Resolver,
  Root,
  Subscription,
} from 'type-graphql';
import { IsOptional, MaxLength } from 'class-validator';
import { Repeater } from '@graphql-yoga/subscription';
import { allows, type FamilyGrant } from '../../auth/access.js';
import {
  DeviceOnly,
  FamilyAccess,
  Grant,
  SignedIn,
  UserOrDevice,
} from '../../auth/operation-access.js';
import { familyData } from '../../auth/type-access.js';
import type { Context } from '../../context.js';
import type { Plain } from '../../database/plain.js';
import { parseId } from '../../graphql/ids.js';
import { Topic, type NotificationUpdatedEvent } from '../../realtime/pubsub.js';
import { User } from '../account/user.entity.js';
import { Family } from '../family/family.entity.js';
import { authorisedStream, live, refresh } from '../live/live.resolver.js';
import { hears } from './notification.audience.js';
import { AlertSettings, AlertTimelineEntry, EmergencyContact } from './alert.entities.js';
import { AlertOutcome, AlertState } from './alert.enums.js';
import { AlertSettingsInput, EmergencyContactInput } from './alert.inputs.js';
import { alertTimelineLoader } from './alert.insights.js';
import { alertSettingsOf } from './alert.lifecycle.js';
import { Notification } from './notification.entity.js';
import { NotFoundError } from '../../graphql/errors.js';
import { normalizePhone } from '../../graphql/validators.js';
import { NotificationKind } from './notification.enums.js';

@ArgsType()
class ResolveNotificationArgs {
  @Field(() => ID, { description: 'The alert.' })
  id!: string;

  @Field(() => AlertOutcome, { description: 'How it ended.' })
  outcome!: AlertOutcome;

  @Field(() => String, { nullable: true, description: 'What happened, up to 500 characters.' })
  @IsOptional()
  @MaxLength(500)
  note?: string | null;
}

/** The notification behind `root`: a live event's root carries only the event's fields. */
async function stored(ctx: Context, root: Plain<Notification>): Promise<Plain<Notification>> {
  if (root.occurrences !== undefined) return root;
  return ctx.em.findOneOrFail(Notification, { id: root.id });
}

/** The lifecycle of alerts: resolve, cancel, timeline, live updates. */
@Resolver(() => Notification)
export class AlertResolver {
  @SignedIn()
  @Mutation(() => Notification, {
    description: 'Closes an alert with its outcome (any ACTIVE member; CONFLICT when closed).',
  })
  async resolveNotification(
    @Args() { id, outcome, note }: ResolveNotificationArgs,
    @Ctx() ctx: Context,
  ): Promise<Notification> {
    const notification = await ctx.app.services.notification.findForMember(
      ctx,
      parseId(id, 'Notification'),
    );
    const text = note?.trim() ?? '';
    return ctx.app.services.alerts.resolve(ctx, notification, outcome, text === '' ? null : text);
  }

  @DeviceOnly()
  @Mutation(() => Notification, {
    description:
      'Device: "I\'m OK": cancels its family\'s alert inside the grace window (CONFLICT after it).',
  })
  cancelAlert(
    @Arg('id', () => ID, { description: 'The alert.' }) id: string,
    @Ctx() ctx: Context,
  ): Promise<Notification> {
    return ctx.app.services.alerts.cancel(ctx, parseId(id, 'Notification'));
  }

  @FieldResolver(() => AlertState, {
    nullable: true,
    description: 'Where the alert stands (null for NONE and INFO notices).',
  })
  async state(@Root() root: Plain<Notification>, @Ctx() ctx: Context): Promise<AlertState | null> {
    return (await stored(ctx, root)).state;
  }

  @FieldResolver(() => AlertOutcome, {
    nullable: true,
    description: 'How it ended, once resolved.',
  })
  async outcome(
    @Root() root: Plain<Notification>,
    @Ctx() ctx: Context,
  ): Promise<AlertOutcome | null> {
    return (await stored(ctx, root)).outcome;
  }

  @FieldResolver(() => Date, { nullable: true, description: 'When it was resolved or cancelled.' })
  async resolvedAt(@Root() root: Plain<Notification>, @Ctx() ctx: Context): Promise<Date | null> {
    return (await stored(ctx, root)).resolvedAt;
  }

  @FieldResolver(() => String, { nullable: true, description: 'The note given when resolving.' })
  async resolutionNote(
    @Root() root: Plain<Notification>,
    @Ctx() ctx: Context,
  ): Promise<string | null> {
    return (await stored(ctx, root)).resolutionNote;
  }

  @FieldResolver(() => Int, {
    description: 'How many times it came (the same kind within 10 minutes adds one).',
  })
  async occurrences(@Root() root: Plain<Notification>, @Ctx() ctx: Context): Promise<number> {
    return (await stored(ctx, root)).occurrences;
  }

  @FieldResolver(() => Date, { nullable: true, description: 'When it last came again.' })
  async lastOccurredAt(
    @Root() root: Plain<Notification>,
    @Ctx() ctx: Context,
  ): Promise<Date | null> {
    return (await stored(ctx, root)).lastOccurredAt;
  }

  @FieldResolver(() => Date, {
    nullable: true,
    description: 'When the grace window ends and delivery starts (null: it started at once).',
  })
  async deliverAt(@Root() root: Plain<Notification>, @Ctx() ctx: Context): Promise<Date | null> {
    return (await stored(ctx, root)).deliverAt;
  }

  @FieldResolver(() => [AlertTimelineEntry], {
    description: 'What happened to the alert, oldest first (empty for notices).',
  })
  timeline(@Root() root: Plain<Notification>, @Ctx() ctx: Context): Promise<AlertTimelineEntry[]> {
    return alertTimelineLoader(ctx.loaders).load(root.id);
  }

  @UserOrDevice('VIEW on each family (a device: its own), re-checked at every delivery')
  @Subscription(() => Notification, {
    description:
      "Alerts of the viewer's families (or one family) whose state, occurrences or timeline changed. An alert in its grace window reaches only the family's Carebot.",
    subscribe: async ({ args: rawArgs, context }) => {
      const ctx = context as Context;
      const args = rawArgs as { familyId?: string | null };
      live(ctx);
      let familyIds: number[];
      if (args.familyId != null) {
        const id = parseId(args.familyId, 'Family');
        await ctx.access.requireFamily(id, 'READ');
        familyIds = [id];
      } else if (ctx.viewer.kind === 'device') familyIds = [ctx.viewer.familyId];
      else familyIds = await ctx.access.familiesAllowed('VIEW');
      const authorizer = ctx.app.liveAuthorizer;
      const sources = familyIds.map(
        (id) =>
          ctx.app.pubSub.subscribe(
            Topic.NotificationUpdated,
            id,
          ) as AsyncIterable<NotificationUpdatedEvent>,
      );
      if (sources.length === 0) return new Repeater<NotificationUpdatedEvent>(() => undefined);
      return authorisedStream(ctx, 'notificationUpdated', sources, async (viewer, event) => {
        const standing = await authorizer.standing(viewer, event.familyId);
        if (viewer.kind === 'device') return standing !== undefined || 'skip';
        if (!allows('VIEW', standing)) return false;
        // the Carebot's alone while its grace window runs; a managers' alert is not a caregiver's
        return event.deviceOnly || !hears(standing, event.audience) ? 'skip' : true;
      });
    },
  })
  async notificationUpdated(
    @Root() event: NotificationUpdatedEvent,
    @Ctx() ctx: Context,
    @Arg('familyId', () => ID, {
      nullable: true,
      description: "Only this family (default: all of the viewer's families).",
    })
    _familyId?: string,
  ): Promise<Notification> {
    refresh(ctx, ctx.viewer);
    return ctx.em.findOneOrFail(Notification, { id: event.id });
  }
}

/** A timeline entry's people. */
@Resolver(() => AlertTimelineEntry)
export class AlertTimelineResolver {
  @FieldResolver(() => User, { nullable: true, description: 'The member who acted, if one did.' })
  actor(
    @Root() entry: Plain<AlertTimelineEntry>,
    @Ctx() ctx: Context,
  ): Promise<User | null> | null {
    return entry.actor === null ? null : ctx.loaders.user.load(entry.actor.id);
  }

  @FieldResolver(() => User, {
    nullable: true,
    description: 'For DELIVERED to a member: the member.',
  })
  recipient(
    @Root() entry: Plain<AlertTimelineEntry>,
    @Ctx() ctx: Context,
  ): Promise<User | null> | null {
    return entry.recipient === null ? null : ctx.loaders.user.load(entry.recipient.id);
  }
}

/** A family's alert settings and emergency contacts (MANAGE). */
@Resolver(() => Family)
export class FamilyAlertResolver {
  @FieldResolver(() => AlertSettings, {
    description: "The family's alert settings (defaults until a manager changes them).",
  })
  async alertSettings(@Root() family: Plain<Family>, @Ctx() ctx: Context): Promise<AlertSettings> {
    const settings = await alertSettingsOf(ctx.em, family.id);
    return { ...settings, family: { id: family.id } } as AlertSettings;
  }

  @FieldResolver(() => [EmergencyContact], {
    description: 'Who is called when nobody in the app answers, in call order.',
  })
  emergencyContacts(
    @Root() family: Plain<Family>,
    @Ctx() ctx: Context,
  ): Promise<EmergencyContact[]> {
    return ctx.em.find(
      EmergencyContact,
      { family: family.id },
      { orderBy: { position: 'asc', id: 'asc' } },
    );
  }

  @SignedIn()
  @FamilyAccess('MANAGE', { familyArg: 'familyId' })
  @Mutation(() => AlertSettings, { description: "Changes a family's alert settings (MANAGER)." })
  async updateAlertSettings(
    @Arg('familyId', () => ID, { description: 'The family.' }) _familyId: string,
    @Arg('input', () => AlertSettingsInput, { description: 'What to change.' })
    input: AlertSettingsInput,
    @Grant() grant: FamilyGrant<'MANAGE'>,
    @Ctx() ctx: Context,
  ): Promise<AlertSettings> {
    let settings = await ctx.em.findOne(AlertSettings, { family: grant.familyId });
    settings ??= ctx.em.create(AlertSettings, {
      family: ctx.em.getReference(Family, grant.familyId),
    });
    if (input.graceSeconds != null) settings.graceSeconds = input.graceSeconds;
    if (input.graceKinds != null)
      settings.graceKinds = [...new Set(input.graceKinds)].filter(
        (k) => k !== NotificationKind.FALL,
      );
    if (input.webhookUrl !== undefined) settings.webhookUrl = input.webhookUrl;
    if (input.webhookSecret !== undefined) settings.webhookSecret = input.webhookSecret;
    settings.updatedAt = ctx.app.services.alerts.now();
    await ctx.em.flush();
    return settings;
  }

  @SignedIn()
  @FamilyAccess('MANAGE', { familyArg: 'familyId' })
  @Mutation(() => EmergencyContact, { description: 'Adds an emergency contact (MANAGER).' })
  async addEmergencyContact(
    @Arg('familyId', () => ID, { description: 'The family.' }) _familyId: string,
    @Arg('input', () => EmergencyContactInput, { description: 'The contact.' })
    input: EmergencyContactInput,
    @Grant() grant: FamilyGrant<'MANAGE'>,
    @Ctx() ctx: Context,
  ): Promise<EmergencyContact> {
    const contact = ctx.em.create(EmergencyContact, {
      family: ctx.em.getReference(Family, grant.familyId),
      name: input.name.trim(),
      phone: input.phone == null ? null : normalizePhone(input.phone),
      email: input.email ?? null,
      position: input.position ?? 0,
    });
    await ctx.em.flush();
    return contact;
  }

  @SignedIn()
  @Mutation(() => Boolean, { description: 'Removes an emergency contact (MANAGER).' })
  async removeEmergencyContact(
    @Arg('id', () => ID, { description: 'The contact.' }) id: string,
    @Ctx() ctx: Context,
  ): Promise<boolean> {
    const contactId = parseId(id, 'EmergencyContact');
    const contact = await ctx.em.findOne(EmergencyContact, { id: contactId });
    if (contact === null) throw new NotFoundError('EmergencyContact', contactId);
    await ctx.access.requireFamily(contact.family.id, 'MANAGE', 'EmergencyContact', contactId);
    await ctx.em.nativeDelete(EmergencyContact, { id: contactId });
    return true;
  }
}

familyData(AlertTimelineEntry, { familyOf: (entry) => entry.family.id, read: 'READ' });
familyData(AlertSettings, { familyOf: (settings) => settings.family.id, read: 'VIEW' });
familyData(EmergencyContact, { familyOf: (contact) => contact.family.id, read: 'MANAGE' });
