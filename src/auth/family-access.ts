import { type MiddlewareFn, UseMiddleware } from 'type-graphql';
import type { Context } from '../context.js';
import { NotFoundError } from '../graphql/errors.js';
import { parseId } from '../graphql/ids.js';
import { Device } from '../modules/device/device.entity.js';
import { FamilyBackground } from '../modules/family/family-background.entity.js';
import { Membership } from '../modules/family/membership.entity.js';
import { Notification } from '../modules/notification/notification.entity.js';
import type { FamilyAction } from './access.js';

/** How to find the family an operation acts on, from one of its arguments. */
export type FamilyLocator =
  | { familyArg: string }
  | { membershipArg: string }
  | { deviceArg: string }
  | { backgroundArg: string }
  | { notificationArg: string };

async function locate(
  ctx: Context,
  args: Record<string, unknown>,
  locator: FamilyLocator,
): Promise<{ familyId: number; what: string; id: number }> {
  if ('familyArg' in locator) {
    const id = parseId(args[locator.familyArg] as string, 'Family');
    return { familyId: id, what: 'Family', id };
  }
  const [what, entity, arg] =
    'membershipArg' in locator
      ? (['Membership', Membership, locator.membershipArg] as const)
      : 'deviceArg' in locator
        ? (['Device', Device, locator.deviceArg] as const)
        : 'notificationArg' in locator
          ? (['Notification', Notification, locator.notificationArg] as const)
          : (['FamilyBackground', FamilyBackground, locator.backgroundArg] as const);
  const id = parseId(args[arg] as string, what);
  const row = await ctx.em.findOne(entity as typeof Membership, { id }, { fields: ['family'] });
  if (row === null) throw new NotFoundError(what, id);
  return { familyId: row.family.id, what, id };
}

/**
 * Guards a resolver with the family policy: `@FamilyAccess('MANAGE', { familyArg: 'familyId' })`.
 * Outside the viewer's families the answer is NOT_FOUND (named after the argument's entity, as
 * if it did not exist); inside but not allowed, FORBIDDEN.
 */
export function FamilyAccess(
  action: FamilyAction,
  locator: FamilyLocator,
): MethodDecorator & PropertyDecorator {
  const guard: MiddlewareFn<Context> = async ({ args, context }, next) => {
    const { familyId, what, id } = await locate(context, args, locator);
    await context.access.requireFamily(familyId, action, what, id);
    return (await next()) as unknown;
  };
  return UseMiddleware(guard);
}
