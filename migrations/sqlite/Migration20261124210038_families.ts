import { Migration } from '@mikro-orm/migrations';

export class Migration20261124210038_families extends Migration {

  override name = 'Migration20261124210038_families';

  override up(): void | Promise<void> {
    this.addSql(`create table \`region\` (\`code\` text not null primary key, \`name\` text not null, \`parent_code\` text null);`);
    this.addSql(`create index \`region_parent_code_index\` on \`region\` (\`parent_code\`);`);

    this.addSql(`create table \`family\` (\`id\` integer not null primary key autoincrement, \`family_name\` text not null, \`memo\` text null, \`main_user_id\` integer not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, constraint \`family_main_user_id_foreign\` foreign key (\`main_user_id\`) references \`user\` (\`id\`) on delete cascade);`);
    this.addSql(`create index \`family_main_user_id_index\` on \`family\` (\`main_user_id\`);`);
    this.addSql(`create unique index \`family_main_user_id_unique\` on \`family\` (\`main_user_id\`);`);

    this.addSql(`create table \`membership\` (\`id\` integer not null primary key autoincrement, \`family_id\` integer not null, \`user_id\` integer not null, \`relation\` text not null, \`role\` text check (\`role\` in ('MANAGER', 'CAREGIVER')) not null, \`status\` text check (\`status\` in ('PENDING', 'ACTIVE')) not null default 'PENDING', \`created_at\` datetime not null, constraint \`membership_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on delete cascade, constraint \`membership_user_id_foreign\` foreign key (\`user_id\`) references \`user\` (\`id\`) on delete cascade);`);
    this.addSql(`create index \`membership_family_id_index\` on \`membership\` (\`family_id\`);`);
    this.addSql(`create index \`membership_user_id_index\` on \`membership\` (\`user_id\`);`);
    this.addSql(`create index \`membership_user_id_status_index\` on \`membership\` (\`user_id\`, \`status\`);`);
    this.addSql(`create unique index \`membership_family_id_user_id_unique\` on \`membership\` (\`family_id\`, \`user_id\`);`);

    this.addSql(`create table \`family_invite\` (\`id\` integer not null primary key autoincrement, \`family_id\` integer not null, \`code_hash\` text not null, \`role\` text check (\`role\` in ('MANAGER', 'CAREGIVER')) not null, \`created_by_id\` integer not null, \`expires_at\` datetime not null, \`used_at\` datetime null, \`created_at\` datetime not null, constraint \`family_invite_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on delete cascade, constraint \`family_invite_created_by_id_foreign\` foreign key (\`created_by_id\`) references \`user\` (\`id\`) on delete cascade);`);
    this.addSql(`create index \`family_invite_family_id_index\` on \`family_invite\` (\`family_id\`);`);
    this.addSql(`create unique index \`family_invite_code_hash_unique\` on \`family_invite\` (\`code_hash\`);`);
    this.addSql(`create index \`family_invite_created_by_id_index\` on \`family_invite\` (\`created_by_id\`);`);

    this.addSql(`create table \`family_background\` (\`id\` integer not null primary key autoincrement, \`family_id\` integer not null, \`file_id\` text not null, \`created_at\` datetime not null, constraint \`family_background_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on delete cascade);`);
    this.addSql(`create index \`family_background_family_id_index\` on \`family_background\` (\`family_id\`);`);

    this.addSql(`create table \`device\` (\`id\` integer not null primary key autoincrement, \`family_id\` integer not null, \`name\` text not null, \`token_hash\` text not null, \`last_seen_at\` datetime null, \`revoked_at\` datetime null, \`created_at\` datetime not null, constraint \`device_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on delete cascade);`);
    this.addSql(`create index \`device_family_id_index\` on \`device\` (\`family_id\`);`);
    this.addSql(`create unique index \`device_token_hash_unique\` on \`device\` (\`token_hash\`);`);

    this.addSql(`create table \`carebot_settings\` (\`id\` integer not null primary key autoincrement, \`family_id\` integer not null, \`is_alarm_enabled\` integer not null default true, \`is_camera_enabled\` integer not null default true, \`is_microphone_enabled\` integer not null default true, \`is_driving_enabled\` integer not null default true, \`volume\` integer not null default 50, \`wake_up_time\` text not null default '07:00', \`bed_time\` text not null default '22:00', \`quiet_hours_start\` text not null default '22:00', \`quiet_hours_end\` text not null default '07:00', \`inactivity_alert_hours\` integer not null default 12, \`temperature_min\` double not null default 10, \`temperature_max\` double not null default 35, \`gas_max\` double not null default 1000, \`dust_max\` double not null default 75, \`heart_rate_min\` integer not null default 45, \`heart_rate_max\` integer not null default 120, \`blood_oxygen_min\` integer not null default 92, \`updated_at\` datetime not null, constraint \`carebot_settings_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on delete cascade);`);
    this.addSql(`create unique index \`carebot_settings_family_id_unique\` on \`carebot_settings\` (\`family_id\`);`);
  }

  override down(): void | Promise<void> {

    this.addSql(`drop table if exists \`region\`;`);
    this.addSql(`drop table if exists \`family\`;`);
    this.addSql(`drop table if exists \`membership\`;`);
    this.addSql(`drop table if exists \`family_invite\`;`);
    this.addSql(`drop table if exists \`family_background\`;`);
    this.addSql(`drop table if exists \`device\`;`);
    this.addSql(`drop table if exists \`carebot_settings\`;`);
  }

}
