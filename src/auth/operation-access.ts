import type { GraphQLObjectType, GraphQLResolveInfo, GraphQLSchema } from 'graphql';
import {
  Authorized,
  createParameterDecorator,
  Extensions,
  type MiddlewareFn,
  UseMiddleware,
} from 'type-graphql';
import type { Context } from '../context.js';
import { NotFoundError, UnauthenticatedError } from '../graphql/errors.js';
import { parseId } from '../graphql/ids.js';
import { Device } from '../modules/device/device.entity.js';
import { FamilyBackground } from '../modules/family/family-background.entity.js';
import { Membership } from '../modules/family/membership.entity.js';
import { Notification } from '../modules/notification/notification.entity.js';
import { CareSession } from '../modules/care-session/care-session.entities.js';
import type { UserRole } from '../modules/account/user.entity.js';
import { type FamilyAction, type FamilyGrant, requireDevice } from './access.js';
import type { BoardAction, BoardGrant } from './board-access.js';
import { Comment, Post } from '../modules/community/community.entities.js';

/*
 * Every Query, Mutation and Subscription declares who may call it with exactly one of these
 * decorators (a family operation adds FamilyAccess to SignedIn). They both enforce the rule and
 * record it in the field's extensions, from which the permission table is generated; the
 * schema refuses to build when an operation declares none.
 */

/** The extension keys the decorators record. */
export const ACCESS_KEYS = [
  'accessPublic',
  'accessUser',
  'accessDevice',
  'accessUserOrDevice',
  'accessFamily',
  'accessBoard',
] as const;

type Decorator = MethodDecorator & PropertyDecorator;

/** The root types whose fields are operations. */
export function operationTypes(schema: GraphQLSchema): GraphQLObjectType[] {
  return [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter(
    (type): type is GraphQLObjectType => type !== null && type !== undefined,
  );
}

/** Throws when an operation declares none of the access decorators. */
export function requireOperationAccess(schema: GraphQLSchema): void {
  const missing = operationTypes(schema).flatMap((type) =>
    Object.values(type.getFields())
      .filter((field) => !ACCESS_KEYS.some((key) => field.extensions[key] !== undefined))
      .map((field) => `${type.name}.${field.name}`),
  );
  if (missing.length > 0) {
    throw new Error(
      `These operations declare no access rule (Public, SignedIn, DeviceOnly, UserOrDevice, FamilyAccess or BoardAccess): ${missing.join(', ')}`,
    );
  }
}

function both(...decorators: Decorator[]): Decorator {
  return (target: object, key: string | symbol, descriptor?: PropertyDescriptor) => {
    for (const decorate of decorators) {
      if (descriptor === undefined) decorate(target, key);
      else (decorate as MethodDecorator)(target, key, descriptor);
    }
  };
}

/** Anyone may call it, signed in or not; `why` goes into the permission table. */
export function Public(why: string): Decorator {
  return Extensions({ accessPublic: why });
}

/** A signed-in user (of one of `roles`, when given); devices and anonymous callers are refused. */
export function SignedIn(...roles: UserRole[]): Decorator {
  return both(Authorized(...roles), Extensions({ accessUser: roles }));
}

/** A Carebot device only. */
export function DeviceOnly(): Decorator {
  const guard: MiddlewareFn<Context> = async ({ context }, next) => {
    requireDevice(context.viewer);
    return (await next()) as unknown;
  };
  return both(UseMiddleware(guard), Extensions({ accessDevice: true }));
}

/**
 * A signed-in user or a device (a device acts for its family's main user); `rule` states the
 * finer rule the service applies (e.g. the two sides of a message), for the permission table.
 */
export function UserOrDevice(rule: string): Decorator {
  const guard: MiddlewareFn<Context> = async ({ context }, next) => {
    if (context.viewer.kind === 'anonymous') throw new UnauthenticatedError();
    return (await next()) as unknown;
  };
  return both(UseMiddleware(guard), Extensions({ accessUserOrDevice: rule }));
}

/** The grants FamilyAccess made, by the resolution they were made for. */
const grants = new WeakMap<GraphQLResolveInfo, FamilyGrant>();

/**
 * The grant that the operation's `@FamilyAccess` produced, as a resolver parameter:
 * `@Grant() grant: FamilyGrant<'MANAGE'>`.
 */
export function Grant(): ReturnType<typeof createParameterDecorator> {
  return createParameterDecorator<Context>(({ info }) => {
    const made = grants.get(info);
    if (made === undefined) throw new Error('@Grant() needs @FamilyAccess on the same operation.');
    return made;
  });
}

/** How to find the family an operation acts on, from one of its arguments. */
export type FamilyLocator =
  | { familyArg: string }
  | { membershipArg: string }
  | { deviceArg: string }
  | { backgroundArg: string }
  | { notificationArg: string }
  | { careSessionArg: string };

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
          : 'careSessionArg' in locator
            ? (['CareSession', CareSession, locator.careSessionArg] as const)
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
export function FamilyAccess(action: FamilyAction, locator: FamilyLocator): Decorator {
  const guard: MiddlewareFn<Context> = async ({ args, context, info }, next) => {
    const { familyId, what, id } = await locate(context, args, locator);
    grants.set(info, await context.access.requireFamily(familyId, action, what, id));
    return (await next()) as unknown;
  };
  const [[by, arg]] = Object.entries(locator) as [[string, string]];
  return both(
    UseMiddleware(guard),
    Extensions({
      accessFamily: { action, locator: `${by.replace(/Arg$/, '')} ${arg}` },
    }),
  );
}

/** How to find the community board an operation acts on, from one of its arguments. */
export type BoardLocator = { boardArg: string } | { postArg: string } | { commentArg: string };

/** The grants BoardAccess made, by the resolution they were made for. */
const boardGrants = new WeakMap<GraphQLResolveInfo, BoardGrant>();

/**
 * The grant that the operation's `@BoardAccess` produced, as a resolver parameter:
 * `@BoardGranted() grant: BoardGrant<'WRITE'>`.
 */
export function BoardGranted(): ReturnType<typeof createParameterDecorator> {
  return createParameterDecorator<Context>(({ info }) => {
    const made = boardGrants.get(info);
    if (made === undefined)
      throw new Error('@BoardGranted() needs @BoardAccess on the same operation.');
    return made;
  });
}

/** An argument by path (`input.boardId`). */
function argAt(args: Record<string, unknown>, path: string): unknown {
  let value: unknown = args;
  for (const key of path.split('.')) {
    value =
      typeof value === 'object' && value !== null
        ? (value as Record<string, unknown>)[key]
        : undefined;
  }
  return value;
}

async function locateBoard(
  ctx: Context,
  args: Record<string, unknown>,
  locator: BoardLocator,
): Promise<{ boardId: number; what: string; id: number }> {
  if ('boardArg' in locator) {
    const id = parseId(argAt(args, locator.boardArg) as string, 'Board');
    return { boardId: id, what: 'Board', id };
  }
  const [what, entity, arg] =
    'postArg' in locator
      ? (['Post', Post, locator.postArg] as const)
      : (['Comment', Comment, locator.commentArg] as const);
  const id = parseId(argAt(args, arg) as string, what);
  const row = await ctx.em.findOne(entity as typeof Post, { id }, { fields: ['board'] });
  if (row === null) throw new NotFoundError(what, id);
  return { boardId: row.board.id, what, id };
}

/**
 * Guards a resolver with the board policy: `@BoardAccess('WRITE', { boardArg: 'input.boardId' })`.
 * Signed-in users only (a device is refused); off the viewer's boards the answer is NOT_FOUND
 * (named after the argument's entity, as if it did not exist); on them without the right,
 * FORBIDDEN.
 */
export function BoardAccess(action: BoardAction, locator: BoardLocator): Decorator {
  const guard: MiddlewareFn<Context> = async ({ args, context, info }, next) => {
    if (context.viewer.kind === 'anonymous') throw new UnauthenticatedError();
    const { boardId, what, id } = await locateBoard(context, args, locator);
    boardGrants.set(info, await context.access.boards.requireBoard(boardId, action, what, id));
    return (await next()) as unknown;
  };
  const [[by, arg]] = Object.entries(locator) as [[string, string]];
  return both(
    UseMiddleware(guard),
    Extensions({ accessBoard: { action, locator: `${by.replace(/Arg$/, '')} ${arg}` } }),
  );
}
