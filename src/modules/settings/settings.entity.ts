import { type Opt, OptionalProps, type Ref } from '@mikro-orm/core';
import { Entity, OneToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Field, Int, ObjectType } from 'type-graphql';
import { Family } from '../family/family.entity.js';

/**
 * How a family's Carebot behaves and when its reports raise alerts. Created with the family, in
 * the same transaction (the seed's bug 1.0.1 was a family without settings).
 */
@Entity({ tableName: 'carebot_settings' })
@ObjectType({
  description: "How a family's Carebot behaves, and the thresholds that raise alerts.",
})
export class CarebotSettings {
  [OptionalProps]?:
    | 'isAlarmEnabled'
    | 'isCameraEnabled'
    | 'isMicrophoneEnabled'
    | 'isDrivingEnabled'
    | 'volume'
    | 'wakeUpTime'
    | 'bedTime'
    | 'quietHoursStart'
    | 'quietHoursEnd'
    | 'inactivityAlertHours'
    | 'temperatureMin'
    | 'temperatureMax'
    | 'gasMax'
    | 'dustMax'
    | 'heartRateMin'
    | 'heartRateMax'
    | 'bloodOxygenMin'
    | 'shareConversations'
    | 'shareJournal'
    | 'updatedAt';

  @PrimaryKey({ autoincrement: true })
  id!: number;

  @OneToOne(() => Family, { ref: true, owner: true, deleteRule: 'cascade', unique: true })
  family!: Ref<Family>;

  @Field(() => Boolean, { description: 'Whether the Carebot sounds alarms.' })
  @Property()
  isAlarmEnabled: boolean & Opt = true;
  @Field(() => Boolean, { description: 'Whether the camera may be used.' })
  @Property()
  isCameraEnabled: boolean & Opt = true;
  @Field(() => Boolean, { description: 'Whether the microphone may be used.' })
  @Property()
  isMicrophoneEnabled: boolean & Opt = true;
  @Field(() => Boolean, { description: 'Whether the Carebot may move around the home.' })
  @Property()
  isDrivingEnabled: boolean & Opt = true;
  @Field(() => Int, { description: 'Speaker volume, 0–100.' })
  @Property()
  volume: number & Opt = 50;
  @Field(() => String, { description: 'Usual wake-up time, HH:MM (local time).' })
  @Property({ length: 5 })
  wakeUpTime: string & Opt = '07:00';
  @Field(() => String, { description: 'Usual bedtime, HH:MM (local time).' })
  @Property({ length: 5 })
  bedTime: string & Opt = '22:00';
  @Field(() => String, { description: 'Start of quiet hours (no voice prompts), HH:MM.' })
  @Property({ length: 5 })
  quietHoursStart: string & Opt = '22:00';
  @Field(() => String, { description: 'End of quiet hours, HH:MM.' })
  @Property({ length: 5 })
  quietHoursEnd: string & Opt = '07:00';
  @Field(() => Int, {
    description: 'Hours without any activity report before an INACTIVITY warning, 1–72.',
  })
  @Property()
  inactivityAlertHours: number & Opt = 12;

  @Property({ type: 'double' }) temperatureMin: number & Opt = 10;
  @Property({ type: 'double' }) temperatureMax: number & Opt = 35;
  @Property({ type: 'double' }) gasMax: number & Opt = 1000;
  @Property({ type: 'double' }) dustMax: number & Opt = 75;
  @Property() heartRateMin: number & Opt = 45;
  @Property() heartRateMax: number & Opt = 120;
  @Property() bloodOxygenMin: number & Opt = 92;

  @Field(() => Boolean, {
    description:
      "Whether the family's managers and caregivers may read the elder's conversations with the AI companion (default off; only the main user changes it).",
  })
  @Property()
  shareConversations: boolean & Opt = false;

  @Field(() => Boolean, {
    description:
      "Whether the family's managers and caregivers may read (never write) the main user's emotion journal and its statistics (default off; only the main user changes it).",
  })
  @Property()
  shareJournal: boolean & Opt = false;

  @Property({ type: 'datetime', length: 3, onUpdate: () => new Date() })
  @Field(() => Date, { description: 'When the settings last changed.' })
  updatedAt: Date & Opt = new Date();
}
