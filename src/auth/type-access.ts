import {
  defaultFieldResolver,
  type GraphQLFieldResolver,
  type GraphQLObjectType,
  type GraphQLSchema,
  isIntrospectionType,
  isObjectType,
} from 'graphql';
import type { ClassType } from 'type-graphql';
import { ForbiddenError, NotFoundError } from '../graphql/errors.js';
import type { EntityManager } from '../database/orm.js';
import type { Access, FamilyAction } from './access.js';
import type { BoardAction } from './board-access.js';

/**
 * Who may read a field of family data: a family action of the access policy, or the
 * conversation rule (the main user and the Carebot; the other members while the main user
 * shares conversations).
 */
export type ReadRule = FamilyAction | 'CONVERSATION';

/** What the type guard needs of the GraphQL context. */
export interface AccessContext {
  access: Access;
  em: EntityManager;
}

/** The policy of an object type whose data belongs to one family. */
export interface FamilyDataPolicy<T> {
  /** The family the record belongs to (async when it must be looked up, e.g. via a parent). */
  familyOf(record: T, ctx: AccessContext): number | Promise<number>;
  /** Who may read every field not listed in `fields`; a field added later gets this rule. */
  read: ReadRule;
  /** Fields opened (or closed) beyond `read`. */
  fields?: Readonly<Record<string, ReadRule>>;
  /**
   * The users the record is about, who may read all of it whatever their standing (an
   * applicant's own membership, the two sides of a message).
   */
  subjects?(record: T): readonly number[];
  /** Why `subject` may read it, for the permission table. */
  subjectNote?: string;
}

/** The policy of an object type whose data belongs to one community board. */
export interface BoardDataPolicy<T> {
  /** The board the record belongs to. */
  boardOf(record: T): number;
  /** Who may read every field not listed in `fields`; a field added later gets this rule. */
  read: BoardAction;
  /** Fields opened (or closed) beyond `read`. */
  fields?: Readonly<Record<string, BoardAction>>;
  /** Users who may read all of the record whatever their standing (a report's reporter). */
  subjects?(record: T): readonly number[];
  /** Why `subjects` may read it, for the permission table. */
  subjectNote?: string;
}

/** How a GraphQL object type is guarded. */
export type TypePolicy =
  | { kind: 'family'; policy: FamilyDataPolicy<never> }
  | { kind: 'board'; policy: BoardDataPolicy<never> }
  | { kind: 'open'; reason: string }
  | { kind: 'staff'; policy: StaffDataPolicy<never> };

const policies = new Map<string, TypePolicy>();

function register(name: string, policy: TypePolicy): void {
  if (policies.has(name)) throw new Error(`The GraphQL type ${name} has two access policies.`);
  policies.set(name, policy);
}

/**
 * Declares an object type as family data: every field is closed to anyone the rule does not
 * name, so a field added later stays closed until a rule opens it.
 */
export function familyData<T extends object>(
  type: ClassType<T> | string,
  policy: FamilyDataPolicy<T>,
): void {
  register(typeof type === 'string' ? type : type.name, {
    kind: 'family',
    policy: policy,
  });
}

/**
 * Declares an object type as community-board data: every field is closed to anyone the board
 * policy does not let do `read` (or the field's own rule) on the record's board; off the
 * viewer's boards the record does not exist (NOT_FOUND).
 */
export function boardData<T extends object>(
  type: ClassType<T> | string,
  policy: BoardDataPolicy<T>,
): void {
  register(typeof type === 'string' ? type : type.name, { kind: 'board', policy });
}

/** The rule of one field of a board-data type. */
export function boardFieldRule(policy: BoardDataPolicy<never>, field: string): BoardAction {
  return policy.fields?.[field] ?? policy.read;
}

/** Puts one board-data type behind its policy (see {@link boardData}). */
function guardBoardType(type: GraphQLObjectType, policy: BoardDataPolicy<never>): void {
  for (const field of Object.values(type.getFields())) {
    const rule = boardFieldRule(policy, field.name);
    const resolve: GraphQLFieldResolver<unknown, AccessContext> =
      field.resolve ?? defaultFieldResolver;
    field.resolve = async (record, args, ctx: AccessContext, info) => {
      const boardId = policy.boardOf(record as never);
      if (policy.subjects?.(record as never).some((user) => ctx.access.isUser(user)) === true)
        return resolve(record, args, ctx, info);
      if (await ctx.access.boards.may(boardId, rule)) return resolve(record, args, ctx, info);
      if (!(await ctx.access.boards.knows(boardId))) throw new NotFoundError(type.name);
      throw new ForbiddenError(
        `Your access to this board does not let you read ${type.name}.${field.name}.`,
      );
    };
  }
}

/**
 * Declares an object type as holding no family data of its own (reference data, the viewer's
 * own records, page wrappers, values embedded in a guarded parent), with the reason, which the
 * permission table shows.
 */
export function openData(type: ClassType | string, reason: string): void {
  register(typeof type === 'string' ? type : type.name, { kind: 'open', reason });
}

/**
 * The policy of an object type that is not family data but one account's dealings with the
 * operator (a support conversation) or the operator's own records (the audit log): readable by
 * staff (ADMIN users) and by the owning user only.
 */
export interface StaffDataPolicy<T> {
  /** The user the record belongs to, or null for staff-only records. */
  ownerOf(record: T): number | null;
  /** Who the owner is, for the permission table. */
  note: string;
}

/**
 * Declares an object type as staff data: every field is closed to anyone but staff and the
 * record's owner (NOT_FOUND otherwise, as if it did not exist), also for fields added later.
 */
export function staffData<T extends object>(type: ClassType<T>, policy: StaffDataPolicy<T>): void {
  register(type.name, { kind: 'staff', policy });
}

/** The declared policy of a type, if any. */
export function typePolicy(name: string): TypePolicy | undefined {
  return policies.get(name);
}

const ROOTS = new Set(['Query', 'Mutation', 'Subscription']);

/** The object types of the schema that the guard covers (every one but the roots). */
export function guardedTypes(schema: GraphQLSchema): GraphQLObjectType[] {
  return Object.values(schema.getTypeMap())
    .filter(isObjectType)
    .filter((type) => !isIntrospectionType(type) && !ROOTS.has(type.name))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The rule of one field of a family-data type. */
export function fieldRule(policy: FamilyDataPolicy<never>, field: string): ReadRule {
  return policy.fields?.[field] ?? policy.read;
}

function allowed(access: Access, familyId: number, rule: ReadRule): boolean | Promise<boolean> {
  return rule === 'CONVERSATION' ? access.mayReadChats(familyId) : access.may(familyId, rule);
}

/**
 * Puts every family-data type of the schema behind its policy: each field's resolver first asks
 * the access module whether the viewer may read that field of that family's record (answered
 * synchronously once the viewer's standings are loaded). Throws when an object type has no
 * policy at all: a new type cannot be served until someone decides who may read it.
 */
export function guardTypes(schema: GraphQLSchema): void {
  const missing: string[] = [];
  for (const type of guardedTypes(schema)) {
    const declared = policies.get(type.name);
    if (declared === undefined) {
      missing.push(type.name);
      continue;
    }
    if (declared.kind === 'open') continue;
    if (declared.kind === 'board') {
      guardBoardType(type, declared.policy);
      continue;
    }
    if (declared.kind === 'staff') {
      guardStaffType(type, declared.policy);
      continue;
    }
    const { policy } = declared;
    /**
     * What was decided for one record, once per operation: its family, whether the viewer is
     * one of its subjects, and each rule's verdict. A dashboard reads a dozen fields of each
     * record; only the first pays for the decision, the others are a map lookup (sync).
     */
    interface Decided {
      access: Access;
      familyId: number | Promise<number>;
      subject: boolean;
      verdicts: Map<ReadRule, boolean>;
    }
    const decided = new WeakMap<object, Decided>();
    // graphql-js resolves a record's fields one after another: the record of the previous field
    // is nearly always the record of this one, and a comparison is cheaper than a WeakMap lookup
    // (this holds on to one record and its viewer's access per type until the next record)
    let lastRecord: object | undefined;
    let lastDecision: Decided | undefined;
    const decisionOf = (record: object, ctx: AccessContext): Decided => {
      if (record === lastRecord && lastDecision?.access === ctx.access) return lastDecision;
      let found = decided.get(record);
      // records belong to one operation; a record met by another viewer is decided anew
      if (found === undefined || found.access !== ctx.access) {
        found = {
          access: ctx.access,
          familyId: policy.familyOf(record as never, ctx),
          subject:
            policy.subjects?.(record as never).some((user) => ctx.access.isUser(user)) === true,
          verdicts: new Map(),
        };
        decided.set(record, found);
      }
      lastRecord = record;
      lastDecision = found;
      return found;
    };
    for (const field of Object.values(type.getFields())) {
      const rule = fieldRule(policy, field.name);
      const resolve: GraphQLFieldResolver<unknown, AccessContext> =
        field.resolve ?? defaultFieldResolver;
      field.resolve = (record, args, ctx: AccessContext, info) => {
        const decision = decisionOf(record as object, ctx);
        if (decision.subject || decision.verdicts.get(rule) === true)
          return resolve(record, args, ctx, info);
        const decide = (id: number): unknown => {
          const verdict = allowed(ctx.access, id, rule);
          if (verdict === true) {
            decision.verdicts.set(rule, true);
            return resolve(record, args, ctx, info);
          }
          if (verdict === false) return deny(ctx, id);
          return verdict.then((ok) => {
            if (!ok) return deny(ctx, id);
            decision.verdicts.set(rule, true);
            return resolve(record, args, ctx, info);
          });
        };
        const { familyId } = decision;
        return typeof familyId === 'number' ? decide(familyId) : familyId.then(decide);
      };
      const deny = async (ctx: AccessContext, familyId: number): Promise<never> => {
        // outside the family its records do not exist; inside, the role is what is missing
        if (!(await ctx.access.knows(familyId))) throw new NotFoundError(type.name);
        throw new ForbiddenError(
          `Your place in this family does not let you read ${type.name}.${field.name}.`,
        );
      };
    }
  }
  if (missing.length > 0) {
    throw new Error(
      `These GraphQL types have no access policy; declare familyData(…) or openData(…) for each: ${missing.join(', ')}`,
    );
  }
}

/** Closes every field of a staff-data type to all but staff and the record's owner. */
function guardStaffType(type: GraphQLObjectType, policy: StaffDataPolicy<never>): void {
  for (const field of Object.values(type.getFields())) {
    const resolve: GraphQLFieldResolver<unknown, AccessContext> =
      field.resolve ?? defaultFieldResolver;
    field.resolve = (record, args, ctx: AccessContext, info) => {
      const owner = policy.ownerOf(record as never);
      if (ctx.access.isStaff() || (owner !== null && ctx.access.isUser(owner)))
        return resolve(record, args, ctx, info);
      throw new NotFoundError(type.name);
    };
  }
}
