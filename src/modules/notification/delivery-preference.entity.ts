import { type Opt, OptionalProps, type Ref } from '@mikro-orm/core';
import {
  Entity,
  Enum,
  ManyToOne,
  PrimaryKey,
  Property,
  Unique,
} from '@mikro-orm/decorators/legacy';
import { Field, ObjectType } from 'type-graphql';
import { User } from '../account/user.entity.js';
import { Family } from '../family/family.entity.js';
import { NotificationGrade } from './notification.enums.js';

/**
 * How one member wants a family's notifications pushed and e-mailed. Lists and counts ignore it
 * (a member always sees the family's alerts); it governs live pushes and e-mails only, and a
 * CRIT always goes through.
 */
@Entity({ tableName: 'delivery_preference' })
@Unique({ properties: ['family', 'user'] })
@ObjectType({
  description:
    "A member's delivery choices in one family: the lowest grade pushed live, the lowest grade e-mailed, and quiet hours. CRIT always goes through.",
})
export class DeliveryPreference {
  [OptionalProps]?:
    'liveMinGrade' | 'emailMinGrade' | 'quietHoursStart' | 'quietHoursEnd' | 'updatedAt';

  @PrimaryKey({ autoincrement: true })
  id!: number;

  @ManyToOne(() => Family, { ref: true, deleteRule: 'cascade', index: false })
  family!: Ref<Family>;

  @ManyToOne(() => User, { ref: true, deleteRule: 'cascade' })
  user!: Ref<User>;

  @Enum({ items: () => NotificationGrade, default: NotificationGrade.NONE })
  @Field(() => NotificationGrade, {
    description: 'The lowest grade pushed live (default NONE: everything; CRIT always is).',
  })
  liveMinGrade: NotificationGrade = NotificationGrade.NONE;

  @Enum({ items: () => NotificationGrade, default: NotificationGrade.CRIT })
  @Field(() => NotificationGrade, {
    description:
      "The lowest grade e-mailed: CRIT (default: only a CRIT's escalation e-mails) or WARN (also one e-mail per WARN alert when its delivery starts).",
  })
  emailMinGrade: NotificationGrade = NotificationGrade.CRIT;

  @Property({ length: 5, nullable: true })
  @Field(() => String, {
    nullable: true,
    description:
      "Start of the quiet hours (HH:MM, the family's time zone; null: none): no live push or e-mail below CRIT until they end.",
  })
  quietHoursStart: string | null = null;

  @Property({ length: 5, nullable: true })
  @Field(() => String, {
    nullable: true,
    description:
      'End of the quiet hours (HH:MM; before the start: the next day). Held WARN alerts reach the member then.',
  })
  quietHoursEnd: string | null = null;

  @Property({ type: 'datetime', length: 3 })
  updatedAt: Date & Opt = new Date();
}
