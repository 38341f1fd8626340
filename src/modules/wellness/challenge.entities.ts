import { type Opt, OptionalProps, type Ref } from '@mikro-orm/core';
import {
  Entity,
  Enum,
  Index,
  ManyToOne,
  PrimaryKey,
  Property,
  Unique,
} from '@mikro-orm/decorators/legacy';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { User } from '../account/user.entity.js';
import { Family } from '../family/family.entity.js';

export enum ChallengePeriod {
  DAILY = 'DAILY',
  WEEKLY = 'WEEKLY',
}
registerEnumType(ChallengePeriod, {
  name: 'ChallengePeriod',
  description: 'How often a challenge asks for a check-in.',
  valuesConfig: {
    DAILY: { description: 'Every day (target count 1).' },
    WEEKLY: { description: '`targetCount` days of each week (1–7), weeks counted from the start.' },
  },
});

export enum ChallengeStatus {
  PROPOSED = 'PROPOSED',
  ACTIVE = 'ACTIVE',
  COMPLETED = 'COMPLETED',
  ABANDONED = 'ABANDONED',
  DECLINED = 'DECLINED',
}
registerEnumType(ChallengeStatus, {
  name: 'ChallengeStatus',
  description: 'Where a challenge stands.',
  valuesConfig: {
    PROPOSED: { description: 'Proposed by a caregiver; the elder has not answered yet.' },
    ACTIVE: { description: 'Under way: check-ins count.' },
    COMPLETED: { description: 'Done: by its owner, or at its end with the target met.' },
    ABANDONED: { description: 'Given up: by its owner, or at its end with the target missed.' },
    DECLINED: { description: 'A proposal the elder declined (or let pass its end).' },
  },
});

/** Limits of a challenge. */
export const CHALLENGE_LIMITS = { titleMax: 100, descriptionMax: 1000, maxDays: 366 } as const;

/** A personal challenge (seed 002 §4.3): check in at most once a day between two dates. */
@Entity({ tableName: 'challenge' })
@Index({ properties: ['owner', 'status'] })
@Index({ properties: ['status', 'endDay'] })
@ObjectType({ description: 'A personal challenge: a small goal with daily check-ins.' })
export class Challenge {
  [OptionalProps]?: 'description' | 'status' | 'proposedBy' | 'family' | 'createdAt';

  @PrimaryKey({ autoincrement: true })
  @Field(() => ID, { description: 'Stable identifier.' })
  id!: number;

  /** Who does it (and alone changes it). */
  @ManyToOne(() => User, { ref: true, deleteRule: 'cascade', index: false })
  owner!: Ref<User>;

  /** The caregiver who proposed it, if one did. */
  @ManyToOne(() => User, { ref: true, nullable: true, deleteRule: 'set null' })
  proposedBy: Ref<User> | null = null;

  /** The family it was proposed through, if it was. */
  @ManyToOne(() => Family, { ref: true, nullable: true, deleteRule: 'cascade' })
  family: Ref<Family> | null = null;

  @Property({ length: CHALLENGE_LIMITS.titleMax })
  @Field(() => String, { description: 'Title, 1–100 characters.' })
  title!: string;

  @Property({ length: CHALLENGE_LIMITS.descriptionMax })
  @Field(() => String, { description: 'Description, up to 1,000 characters.' })
  description: string & Opt = '';

  @Enum({ items: () => ChallengePeriod })
  @Field(() => ChallengePeriod, { description: 'DAILY or WEEKLY.' })
  period!: ChallengePeriod;

  @Property()
  @Field(() => Int, { description: 'Check-ins asked per period: 1 for DAILY, 1–7 for WEEKLY.' })
  targetCount!: number;

  /** First and last local dates, as midnight UTC of each (like journal entries). */
  @Property({ type: 'datetime', length: 3 })
  startDay!: Date;

  @Property({ type: 'datetime', length: 3 })
  endDay!: Date;

  @Enum({ items: () => ChallengeStatus })
  @Field(() => ChallengeStatus, { description: 'Where it stands.' })
  status: ChallengeStatus = ChallengeStatus.ACTIVE;

  @Property({ type: 'datetime', length: 3 })
  @Field(() => Date, { description: 'When it was created (or proposed).' })
  createdAt: Date & Opt = new Date();
}

/** One day a challenge was done; one per challenge and day. */
@Entity({ tableName: 'challenge_check_in' })
@Unique({ properties: ['challenge', 'day'] })
export class ChallengeCheckIn {
  [OptionalProps]?: 'createdAt';

  @PrimaryKey({ autoincrement: true })
  id!: number;

  @ManyToOne(() => Challenge, { ref: true, deleteRule: 'cascade', index: false })
  challenge!: Ref<Challenge>;

  @Property({ type: 'datetime', length: 3 })
  day!: Date;

  @Property({ type: 'datetime', length: 3 })
  createdAt: Date & Opt = new Date();
}
