import { Migration } from '@mikro-orm/migrations';

export class Migration20261130210724_alerts extends Migration {

  override name = 'Migration20261130210724_alerts';

  override up(): void | Promise<void> {
    this.addSql(`create table \`emergency_contact\` (\`id\` integer not null primary key autoincrement, \`family_id\` integer not null, \`name\` text not null, \`phone\` text null, \`email\` text null, \`position\` integer not null default 0, constraint \`emergency_contact_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on delete cascade);`);
    this.addSql(`create index \`emergency_contact_family_id_position_index\` on \`emergency_contact\` (\`family_id\`, \`position\`);`);

    this.addSql(`create table \`alert_settings\` (\`family_id\` integer not null primary key, \`grace_seconds\` integer not null default 30, \`grace_kinds\` json not null, \`webhook_url\` text null, \`webhook_secret\` text null, \`updated_at\` datetime not null, constraint \`alert_settings_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on update cascade on delete cascade);`);
    this.addSql(`create index \`alert_settings_family_id_index\` on \`alert_settings\` (\`family_id\`);`);

    this.addSql(`create table \`alert_timer\` (\`id\` integer not null primary key autoincrement, \`notification_id\` integer not null, \`kind\` text not null, \`key\` text not null, \`payload\` json null, \`due_at\` datetime not null, \`claimed_at\` datetime null, \`fired_at\` datetime null, \`attempts\` integer not null default 0, constraint \`alert_timer_notification_id_foreign\` foreign key (\`notification_id\`) references \`notification\` (\`id\`) on delete cascade);`);
    this.addSql(`create index \`alert_timer_fired_at_due_at_index\` on \`alert_timer\` (\`fired_at\`, \`due_at\`);`);
    this.addSql(`create unique index \`alert_timer_notification_id_key_unique\` on \`alert_timer\` (\`notification_id\`, \`key\`);`);

    this.addSql(`create table \`alert_timeline\` (\`id\` integer not null primary key autoincrement, \`notification_id\` integer not null, \`family_id\` integer not null, \`type\` text check (\`type\` in ('RAISED', 'DELIVERED', 'SEEN', 'ACKNOWLEDGED', 'ESCALATED', 'REPEATED', 'RESOLVED', 'CANCELLED')) not null, \`at\` datetime not null, \`actor_id\` integer null, \`by_device\` integer not null default false, \`channel\` text check (\`channel\` in ('LIVE', 'EMAIL', 'WEBHOOK')) null, \`recipient_id\` integer null, \`recipient_name\` text null, \`note\` text null, constraint \`alert_timeline_notification_id_foreign\` foreign key (\`notification_id\`) references \`notification\` (\`id\`) on delete cascade, constraint \`alert_timeline_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on delete cascade, constraint \`alert_timeline_actor_id_foreign\` foreign key (\`actor_id\`) references \`user\` (\`id\`) on delete set null, constraint \`alert_timeline_recipient_id_foreign\` foreign key (\`recipient_id\`) references \`user\` (\`id\`) on delete set null);`);
    this.addSql(`create index \`alert_timeline_family_id_index\` on \`alert_timeline\` (\`family_id\`);`);
    this.addSql(`create index \`alert_timeline_actor_id_index\` on \`alert_timeline\` (\`actor_id\`);`);
    this.addSql(`create index \`alert_timeline_recipient_id_index\` on \`alert_timeline\` (\`recipient_id\`);`);
    this.addSql(`create index \`alert_timeline_notification_id_at_index\` on \`alert_timeline\` (\`notification_id\`, \`at\`);`);

    // hand-written: added columns, not a rebuild of a table other tables reference
    this.addSql(`alter table \`notification\` add column \`state\` text check (\`state\` in ('OPEN', 'ACKNOWLEDGED', 'RESOLVED', 'CANCELLED')) null;`);
    this.addSql(`alter table \`notification\` add column \`outcome\` text check (\`outcome\` in ('HANDLED', 'FALSE_ALARM', 'EMERGENCY_SERVICES_CALLED')) null;`);
    this.addSql(`alter table \`notification\` add column \`resolved_at\` datetime null;`);
    this.addSql(`alter table \`notification\` add column \`resolution_note\` text null;`);
    this.addSql(`alter table \`notification\` add column \`occurrences\` integer not null default 1;`);
    this.addSql(`alter table \`notification\` add column \`last_occurred_at\` datetime null;`);
    this.addSql(`alter table \`notification\` add column \`device_only\` integer not null default false;`);
    this.addSql(`alter table \`notification\` add column \`deliver_at\` datetime null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`emergency_contact\`;`);
    this.addSql(`drop table if exists \`alert_settings\`;`);
    this.addSql(`drop table if exists \`alert_timer\`;`);
    this.addSql(`drop table if exists \`alert_timeline\`;`);

    this.addSql(`alter table \`notification\` drop column \`state\`;`);
    this.addSql(`alter table \`notification\` drop column \`outcome\`;`);
    this.addSql(`alter table \`notification\` drop column \`resolved_at\`;`);
    this.addSql(`alter table \`notification\` drop column \`resolution_note\`;`);
    this.addSql(`alter table \`notification\` drop column \`occurrences\`;`);
    this.addSql(`alter table \`notification\` drop column \`last_occurred_at\`;`);
    this.addSql(`alter table \`notification\` drop column \`device_only\`;`);
    this.addSql(`alter table \`notification\` drop column \`deliver_at\`;`);
  }

}
