import type { FilterQuery } from '@mikro-orm/core';
import type { FamilyStanding } from '../../auth/access.js';
import type { Scope } from '../../scope.js';
import type { Notification } from './notification.entity.js';

/** Who among a family's members a notification reaches (the Carebot always hears of it). */
export enum NotificationAudience {
  /** Every member: the main user, managers and caregivers. */
  FAMILY = 'FAMILY',
  /** The family's main user and its MANAGER members (e.g. "the Carebot is offline"). */
  MANAGERS = 'MANAGERS',
}

/** Whether a viewer standing so in a notification's family hears of it. */
export function hears(standing: FamilyStanding | undefined, audience: string | undefined): boolean {
  return audience !== NotificationAudience.MANAGERS || standing !== 'CAREGIVER';
}

/**
 * The families among the viewer's where MANAGERS notifications reach them, or null when every
 * notification does (a device hears all of its family's). Answered from the standings the
 * operation already loaded: no statement of its own.
 */
export async function managedFamilies(ctx: Scope): Promise<number[] | null> {
  if (ctx.viewer.kind !== 'user') return null;
  return ctx.access.familiesAllowed('MANAGE');
}

/** The `where` part that leaves out the MANAGERS notifications of families the viewer does not manage. */
export async function audienceFilter(ctx: Scope): Promise<{ $or?: FilterQuery<Notification>[] }> {
  const managed = await managedFamilies(ctx);
  if (managed === null) return {};
  return { $or: [{ audience: NotificationAudience.FAMILY }, { family: { $in: managed } }] };
}
