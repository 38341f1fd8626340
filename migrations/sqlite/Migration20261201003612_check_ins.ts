import { Migration } from '@mikro-orm/migrations';

export class Migration20261201003612_check_ins extends Migration {

  override name = 'Migration20261201003612_check_ins';

  override up(): void | Promise<void> {
    this.addSql(`create table \`check_in\` (\`id\` integer not null primary key autoincrement, \`family_id\` integer not null, \`created_by_id\` integer null, \`kind\` text check (\`kind\` in ('QUESTION', 'MEASUREMENT')) not null, \`prompt\` text not null, \`medication\` integer not null default false, \`measurement\` text check (\`measurement\` in ('BLOOD_PRESSURE', 'WEIGHT', 'GLUCOSE', 'TEMPERATURE', 'HEART_RATE', 'BLOOD_OXYGEN')) null, \`alert_below\` double null, \`alert_above\` double null, \`minute\` integer not null, \`weekday_mask\` integer not null, \`grace_minutes\` integer not null, \`active\` integer not null default true, \`schedule_from\` datetime not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, constraint \`check_in_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on delete cascade, constraint \`check_in_created_by_id_foreign\` foreign key (\`created_by_id\`) references \`user\` (\`id\`) on delete set null);`);
    this.addSql(`create index \`check_in_family_id_index\` on \`check_in\` (\`family_id\`);`);
    this.addSql(`create index \`check_in_created_by_id_index\` on \`check_in\` (\`created_by_id\`);`);
    this.addSql(`create index \`check_in_active_index\` on \`check_in\` (\`active\`);`);
    this.addSql(`create index \`check_in_family_id_id_index\` on \`check_in\` (\`family_id\`, \`id\`);`);

    this.addSql(`create table \`check_in_occurrence\` (\`id\` integer not null primary key autoincrement, \`check_in_id\` integer not null, \`family_id\` integer not null, \`local_day\` integer not null, \`minute\` integer not null, \`due_at\` datetime not null, \`expires_at\` datetime not null, \`state\` text check (\`state\` in ('PENDING', 'ANSWERED', 'MISSED')) not null default 'PENDING', \`yes\` integer null, \`value\` double null, \`negative\` integer not null default false, \`needs_alert\` integer not null default false, \`answered_at\` datetime null, \`alerted_at\` datetime null, \`created_at\` datetime not null, constraint \`check_in_occurrence_check_in_id_foreign\` foreign key (\`check_in_id\`) references \`check_in\` (\`id\`) on delete cascade, constraint \`check_in_occurrence_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on delete cascade);`);
    this.addSql(`create index \`check_in_occurrence_check_in_id_index\` on \`check_in_occurrence\` (\`check_in_id\`);`);
    this.addSql(`create index \`check_in_occurrence_family_id_index\` on \`check_in_occurrence\` (\`family_id\`);`);
    this.addSql(`create index \`check_in_occurrence_created_at_index\` on \`check_in_occurrence\` (\`created_at\`);`);
    this.addSql(`create index \`check_in_occurrence_needs_alert_index\` on \`check_in_occurrence\` (\`needs_alert\`);`);
    this.addSql(`create index \`check_in_occurrence_state_expires_at_index\` on \`check_in_occurrence\` (\`state\`, \`expires_at\`);`);
    this.addSql(`create index \`check_in_occurrence_family_id_state_due_at_index\` on \`check_in_occurrence\` (\`family_id\`, \`state\`, \`due_at\`);`);
    this.addSql(`create index \`check_in_occurrence_family_id_local_day_index\` on \`check_in_occurrence\` (\`family_id\`, \`local_day\`);`);
    this.addSql(`create unique index \`check_in_occurrence_check_in_id_local_day_minute_unique\` on \`check_in_occurrence\` (\`check_in_id\`, \`local_day\`, \`minute\`);`);
  }

  override down(): void | Promise<void> {

    this.addSql(`drop table if exists \`check_in\`;`);
    this.addSql(`drop table if exists \`check_in_occurrence\`;`);
  }

}
