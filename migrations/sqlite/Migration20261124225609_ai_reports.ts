import { Migration } from '@mikro-orm/migrations';

export class Migration20261124225609_ai_reports extends Migration {

  override name = 'Migration20261124225609_ai_reports';

  override up(): void | Promise<void> {
    this.addSql(`create table \`mood_watch\` (\`id\` integer not null primary key autoincrement, \`family_id\` integer not null, \`low_since\` datetime null, constraint \`mood_watch_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on delete cascade);`);
    this.addSql(`create unique index \`mood_watch_family_id_unique\` on \`mood_watch\` (\`family_id\`);`);

    // SQLite cannot alter a check constraint: the table is rebuilt, and with foreign keys on
    // (pragmas are no-ops inside the migration's transaction) dropping it would cascade to the
    // read state, so that is kept aside and put back.
    this.addSql(`create table \`notification_read__keep\` as select * from \`notification_read\`;`);
    this.addSql(`pragma foreign_keys = off;`);
    this.addSql(`create table \`notification__temp_alter\` (\`id\` integer not null primary key autoincrement, \`family_id\` integer not null, \`grade\` text check (\`grade\` in ('NONE', 'INFO', 'WARN', 'CRIT')) not null, \`kind\` text check (\`kind\` in ('FIRE', 'FALL', 'DISASTER', 'HEALTH', 'ENVIRONMENT', 'INACTIVITY', 'EMERGENCY', 'SYSTEM', 'MOOD', 'REPORT', 'OTHER')) not null, \`message\` text not null, \`image_id\` text null, \`acknowledged_by_id\` integer null, \`acknowledged_at\` datetime null, \`created_at\` datetime not null, constraint \`notification_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on delete cascade, constraint \`notification_acknowledged_by_id_foreign\` foreign key (\`acknowledged_by_id\`) references \`user\` (\`id\`) on delete set null);`);
    this.addSql(`insert into \`notification__temp_alter\` select \`id\`, \`family_id\`, \`grade\`, \`kind\`, \`message\`, \`image_id\`, \`acknowledged_by_id\`, \`acknowledged_at\`, \`created_at\` from \`notification\`;`);
    this.addSql(`drop table \`notification\`;`);
    this.addSql(`alter table \`notification__temp_alter\` rename to \`notification\`;`);
    this.addSql(`create index \`notification_family_id_index\` on \`notification\` (\`family_id\`);`);
    this.addSql(`create index \`notification_acknowledged_by_id_index\` on \`notification\` (\`acknowledged_by_id\`);`);
    this.addSql(`create index \`notification_created_at_index\` on \`notification\` (\`created_at\`);`);
    this.addSql(`create index \`notification_family_id_kind_created_at_index\` on \`notification\` (\`family_id\`, \`kind\`, \`created_at\`);`);
    this.addSql(`create index \`notification_family_id_created_at_index\` on \`notification\` (\`family_id\`, \`created_at\`);`);
    this.addSql(`insert into \`notification_read\` select * from \`notification_read__keep\`;`);
    this.addSql(`drop table \`notification_read__keep\`;`);
    this.addSql(`pragma foreign_keys = on;`);

    this.addSql(`alter table \`mental_report\` add column \`provider\` text null;`);

    this.addSql(`alter table \`carebot_settings\` add column \`share_conversations\` integer not null default false;`);

    this.addSql(`pragma foreign_keys = off;`);
    this.addSql(`create table \`ai_job__temp_alter\` (\`id\` integer not null primary key autoincrement, \`family_id\` integer not null, \`kind\` text check (\`kind\` in ('CHAT_REPLY', 'MOOD', 'MENTAL_REPORT')) not null, \`status\` text check (\`status\` in ('PENDING', 'RUNNING', 'DONE', 'FAILED')) not null default 'PENDING', \`attempts\` integer not null default 0, \`payload\` json not null, \`progress\` integer not null default 0, \`result_id\` integer null, \`dedupe_key\` text null, \`error\` text null, \`run_after\` datetime not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, constraint \`ai_job_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on delete cascade);`);
    this.addSql(`insert into \`ai_job__temp_alter\` select \`id\`, \`family_id\`, \`kind\`, \`status\`, \`attempts\`, \`payload\`, 0 as \`progress\`, null as \`result_id\`, null as \`dedupe_key\`, \`error\`, \`run_after\`, \`created_at\`, \`updated_at\` from \`ai_job\`;`);
    this.addSql(`drop table \`ai_job\`;`);
    this.addSql(`alter table \`ai_job__temp_alter\` rename to \`ai_job\`;`);
    this.addSql(`create index \`ai_job_family_id_index\` on \`ai_job\` (\`family_id\`);`);
    this.addSql(`create index \`ai_job_status_run_after_index\` on \`ai_job\` (\`status\`, \`run_after\`);`);
    this.addSql(`create unique index \`ai_job_family_id_dedupe_key_unique\` on \`ai_job\` (\`family_id\`, \`dedupe_key\`);`);
    this.addSql(`pragma foreign_keys = on;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`mood_watch\`;`);

    this.addSql(`pragma foreign_keys = off;`);
    this.addSql(`create table \`ai_job__temp_alter\` (\`id\` integer not null primary key autoincrement, \`family_id\` INTEGER not null, \`kind\` TEXT check (\`kind\` in ('CHAT_REPLY', 'MOOD')) not null, \`status\` TEXT check (\`status\` in ('PENDING', 'RUNNING', 'DONE', 'FAILED')) not null default 'PENDING', \`attempts\` INTEGER not null default 0, \`payload\` json not null, \`error\` TEXT null, \`run_after\` datetime not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, constraint \`ai_job_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on update no action on delete cascade);`);
    this.addSql(`insert into \`ai_job__temp_alter\` select \`id\`, \`family_id\`, \`kind\`, \`status\`, \`attempts\`, \`payload\`, \`error\`, \`run_after\`, \`created_at\`, \`updated_at\` from \`ai_job\`;`);
    this.addSql(`drop table \`ai_job\`;`);
    this.addSql(`alter table \`ai_job__temp_alter\` rename to \`ai_job\`;`);
    this.addSql(`create index \`ai_job_status_run_after_index\` on \`ai_job\` (\`status\`, \`run_after\`);`);
    this.addSql(`create index \`ai_job_family_id_index\` on \`ai_job\` (\`family_id\`);`);
    this.addSql(`pragma foreign_keys = on;`);

    this.addSql(`alter table \`carebot_settings\` drop column \`share_conversations\`;`);

    this.addSql(`alter table \`mental_report\` drop column \`provider\`;`);

    // SQLite cannot alter a check constraint: the table is rebuilt, and with foreign keys on
    // (pragmas are no-ops inside the migration's transaction) dropping it would cascade to the
    // read state, so that is kept aside and put back.
    this.addSql(`create table \`notification_read__keep\` as select * from \`notification_read\`;`);
    this.addSql(`pragma foreign_keys = off;`);
    this.addSql(`create table \`notification__temp_alter\` (\`id\` integer not null primary key autoincrement, \`family_id\` INTEGER not null, \`grade\` TEXT check (\`grade\` in ('NONE', 'INFO', 'WARN', 'CRIT')) not null, \`kind\` TEXT check (\`kind\` in ('FIRE', 'FALL', 'DISASTER', 'HEALTH', 'ENVIRONMENT', 'INACTIVITY', 'EMERGENCY', 'SYSTEM', 'OTHER')) not null, \`message\` TEXT not null, \`image_id\` TEXT null, \`acknowledged_by_id\` INTEGER null, \`acknowledged_at\` datetime null, \`created_at\` datetime not null, constraint \`notification_acknowledged_by_id_foreign\` foreign key (\`acknowledged_by_id\`) references \`user\` (\`id\`) on update no action on delete set null, constraint \`notification_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on update no action on delete cascade);`);
    this.addSql(`insert into \`notification__temp_alter\` select \`id\`, \`family_id\`, \`grade\`, \`kind\`, \`message\`, \`image_id\`, \`acknowledged_by_id\`, \`acknowledged_at\`, \`created_at\` from \`notification\`;`);
    this.addSql(`drop table \`notification\`;`);
    this.addSql(`alter table \`notification__temp_alter\` rename to \`notification\`;`);
    this.addSql(`create index \`notification_family_id_created_at_index\` on \`notification\` (\`family_id\`, \`created_at\`);`);
    this.addSql(`create index \`notification_family_id_kind_created_at_index\` on \`notification\` (\`family_id\`, \`kind\`, \`created_at\`);`);
    this.addSql(`create index \`notification_created_at_index\` on \`notification\` (\`created_at\`);`);
    this.addSql(`create index \`notification_acknowledged_by_id_index\` on \`notification\` (\`acknowledged_by_id\`);`);
    this.addSql(`create index \`notification_family_id_index\` on \`notification\` (\`family_id\`);`);
    this.addSql(`insert into \`notification_read\` select * from \`notification_read__keep\`;`);
    this.addSql(`drop table \`notification_read__keep\`;`);
    this.addSql(`pragma foreign_keys = on;`);
  }

}
