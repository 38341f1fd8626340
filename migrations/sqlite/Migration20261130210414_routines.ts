import { Migration } from '@mikro-orm/migrations';

export class Migration20261130210414_routines extends Migration {

  override name = 'Migration20261130210414_routines';

  override up(): void | Promise<void> {
    this.addSql(`create table \`routine_rule\` (\`id\` integer not null primary key autoincrement, \`family_id\` integer not null, \`kind\` text check (\`kind\` in ('NO_ACTIVITY', 'LONG_ACTIVITY')) not null, \`actions\` json not null, \`start_minute\` integer not null, \`end_minute\` integer not null, \`min_duration_minutes\` integer null, \`grade\` text check (\`grade\` in ('NONE', 'INFO', 'WARN', 'CRIT')) not null, \`message\` text not null, \`created_at\` datetime not null, constraint \`routine_rule_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on delete cascade);`);
    this.addSql(`create index \`routine_rule_family_id_index\` on \`routine_rule\` (\`family_id\`);`);
    this.addSql(`create index \`routine_rule_kind_index\` on \`routine_rule\` (\`kind\`);`);

    this.addSql(`create table \`care_settings\` (\`family_id\` integer not null primary key, \`time_zone\` text not null default 'Asia/Seoul', \`device_offline_minutes\` integer not null default 15, \`updated_at\` datetime not null, constraint \`care_settings_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on update cascade on delete cascade);`);

    this.addSql(`create table \`device_offline_period\` (\`id\` integer not null primary key autoincrement, \`device_id\` integer not null, \`family_id\` integer not null, \`started_at\` datetime not null, \`detected_at\` datetime not null, \`ended_at\` datetime null, constraint \`device_offline_period_device_id_foreign\` foreign key (\`device_id\`) references \`device\` (\`id\`) on delete cascade, constraint \`device_offline_period_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on delete cascade);`);
    this.addSql(`create index \`device_offline_period_device_id_index\` on \`device_offline_period\` (\`device_id\`);`);
    this.addSql(`create index \`device_offline_period_family_id_index\` on \`device_offline_period\` (\`family_id\`);`);
    this.addSql(`create index \`device_offline_period_device_id_ended_at_index\` on \`device_offline_period\` (\`device_id\`, \`ended_at\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`routine_rule\`;`);
    this.addSql(`drop table if exists \`care_settings\`;`);
    this.addSql(`drop table if exists \`device_offline_period\`;`);
  }

}
