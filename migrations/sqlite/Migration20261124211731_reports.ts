import { Migration } from '@mikro-orm/migrations';

export class Migration20261124211731_reports extends Migration {

  override name = 'Migration20261124211731_reports';

  override up(): void | Promise<void> {
    this.addSql(`create table \`notification\` (\`id\` integer not null primary key autoincrement, \`family_id\` integer not null, \`grade\` text check (\`grade\` in ('NONE', 'INFO', 'WARN', 'CRIT')) not null, \`kind\` text check (\`kind\` in ('FIRE', 'FALL', 'DISASTER', 'HEALTH', 'ENVIRONMENT', 'INACTIVITY', 'EMERGENCY', 'SYSTEM', 'OTHER')) not null, \`message\` text not null, \`image_id\` text null, \`acknowledged_by_id\` integer null, \`acknowledged_at\` datetime null, \`created_at\` datetime not null, constraint \`notification_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on delete cascade, constraint \`notification_acknowledged_by_id_foreign\` foreign key (\`acknowledged_by_id\`) references \`user\` (\`id\`) on delete set null);`);
    this.addSql(`create index \`notification_family_id_index\` on \`notification\` (\`family_id\`);`);
    this.addSql(`create index \`notification_acknowledged_by_id_index\` on \`notification\` (\`acknowledged_by_id\`);`);
    this.addSql(`create index \`notification_created_at_index\` on \`notification\` (\`created_at\`);`);
    this.addSql(`create index \`notification_family_id_kind_created_at_index\` on \`notification\` (\`family_id\`, \`kind\`, \`created_at\`);`);
    this.addSql(`create index \`notification_family_id_created_at_index\` on \`notification\` (\`family_id\`, \`created_at\`);`);

    this.addSql(`create table \`notification_read\` (\`id\` integer not null primary key autoincrement, \`notification_id\` integer not null, \`user_id\` integer not null, \`read_at\` datetime not null, constraint \`notification_read_notification_id_foreign\` foreign key (\`notification_id\`) references \`notification\` (\`id\`) on delete cascade, constraint \`notification_read_user_id_foreign\` foreign key (\`user_id\`) references \`user\` (\`id\`) on delete cascade);`);
    this.addSql(`create index \`notification_read_notification_id_index\` on \`notification_read\` (\`notification_id\`);`);
    this.addSql(`create index \`notification_read_user_id_index\` on \`notification_read\` (\`user_id\`);`);
    this.addSql(`create index \`notification_read_user_id_notification_id_index\` on \`notification_read\` (\`user_id\`, \`notification_id\`);`);
    this.addSql(`create unique index \`notification_read_notification_id_user_id_unique\` on \`notification_read\` (\`notification_id\`, \`user_id\`);`);

    this.addSql(`create table \`mental_status\` (\`id\` integer not null primary key autoincrement, \`family_id\` integer not null, \`report_id\` text null, \`emotion\` text check (\`emotion\` in ('JOY', 'SADNESS', 'ANGER', 'ANXIETY', 'NEUTRAL')) not null, \`joy\` double not null, \`sadness\` double not null, \`anger\` double not null, \`anxiety\` double not null, \`neutral\` double not null, \`source\` text check (\`source\` in ('CONVERSATION', 'FACE', 'VOICE', 'SELF_REPORT')) not null, \`measured_at\` datetime not null, \`created_at\` datetime not null, constraint \`mental_status_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on delete cascade);`);
    this.addSql(`create index \`mental_status_family_id_index\` on \`mental_status\` (\`family_id\`);`);
    this.addSql(`create index \`mental_status_family_id_measured_at_index\` on \`mental_status\` (\`family_id\`, \`measured_at\`);`);
    this.addSql(`create unique index \`mental_status_family_id_report_id_unique\` on \`mental_status\` (\`family_id\`, \`report_id\`);`);

    this.addSql(`create table \`mental_report\` (\`id\` integer not null primary key autoincrement, \`family_id\` integer not null, \`report_id\` text null, \`period_start\` datetime not null, \`period_end\` datetime not null, \`summary\` text not null, \`risk_level\` text check (\`risk_level\` in ('LOW', 'MEDIUM', 'HIGH', 'CRITICAL')) not null, \`recommendations\` json not null, \`created_at\` datetime not null, constraint \`mental_report_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on delete cascade);`);
    this.addSql(`create index \`mental_report_family_id_index\` on \`mental_report\` (\`family_id\`);`);
    this.addSql(`create index \`mental_report_family_id_created_at_index\` on \`mental_report\` (\`family_id\`, \`created_at\`);`);
    this.addSql(`create unique index \`mental_report_family_id_report_id_unique\` on \`mental_report\` (\`family_id\`, \`report_id\`);`);

    this.addSql(`create table \`home_status\` (\`id\` integer not null primary key autoincrement, \`family_id\` integer not null, \`report_id\` text null, \`temperature\` double not null, \`humidity\` double not null, \`dust_density\` double not null, \`gas_level\` double not null, \`measured_at\` datetime not null, \`created_at\` datetime not null, constraint \`home_status_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on delete cascade);`);
    this.addSql(`create index \`home_status_family_id_index\` on \`home_status\` (\`family_id\`);`);
    this.addSql(`create index \`home_status_family_id_measured_at_index\` on \`home_status\` (\`family_id\`, \`measured_at\`);`);
    this.addSql(`create unique index \`home_status_family_id_report_id_unique\` on \`home_status\` (\`family_id\`, \`report_id\`);`);

    this.addSql(`create table \`health_status\` (\`id\` integer not null primary key autoincrement, \`family_id\` integer not null, \`report_id\` text null, \`heart_rate\` integer null, \`blood_oxygen\` integer null, \`body_temperature\` double null, \`systolic\` integer null, \`diastolic\` integer null, \`measured_at\` datetime not null, \`created_at\` datetime not null, constraint \`health_status_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on delete cascade);`);
    this.addSql(`create index \`health_status_family_id_index\` on \`health_status\` (\`family_id\`);`);
    this.addSql(`create index \`health_status_family_id_measured_at_index\` on \`health_status\` (\`family_id\`, \`measured_at\`);`);
    this.addSql(`create unique index \`health_status_family_id_report_id_unique\` on \`health_status\` (\`family_id\`, \`report_id\`);`);

    this.addSql(`create table \`activity\` (\`id\` integer not null primary key autoincrement, \`family_id\` integer not null, \`report_id\` text null, \`action\` text check (\`action\` in ('WALKING', 'SITTING', 'LYING', 'SLEEPING', 'EATING', 'EXERCISING', 'TALKING', 'OUTING', 'FALL', 'OTHER')) not null, \`score\` double null, \`image_id\` text null, \`measured_at\` datetime not null, \`created_at\` datetime not null, constraint \`activity_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on delete cascade);`);
    this.addSql(`create index \`activity_family_id_index\` on \`activity\` (\`family_id\`);`);
    this.addSql(`create index \`activity_family_id_measured_at_index\` on \`activity\` (\`family_id\`, \`measured_at\`);`);
    this.addSql(`create unique index \`activity_family_id_report_id_unique\` on \`activity\` (\`family_id\`, \`report_id\`);`);
  }

  override down(): void | Promise<void> {

    this.addSql(`drop table if exists \`notification\`;`);
    this.addSql(`drop table if exists \`notification_read\`;`);
    this.addSql(`drop table if exists \`mental_status\`;`);
    this.addSql(`drop table if exists \`mental_report\`;`);
    this.addSql(`drop table if exists \`home_status\`;`);
    this.addSql(`drop table if exists \`health_status\`;`);
    this.addSql(`drop table if exists \`activity\`;`);
  }

}
