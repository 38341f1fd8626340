import { Migration } from '@mikro-orm/migrations';

export class Migration20261124210042_families extends Migration {

  override name = 'Migration20261124210042_families';

  override up(): void | Promise<void> {
    this.addSql(`create table \`region\` (\`code\` varchar(5) not null, \`name\` varchar(30) not null, \`parent_code\` varchar(2) null, primary key (\`code\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`region\` add index \`region_parent_code_index\` (\`parent_code\`);`);

    this.addSql(`create table \`family\` (\`id\` int unsigned not null auto_increment primary key, \`family_name\` varchar(50) not null, \`memo\` varchar(500) null, \`main_user_id\` int unsigned not null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`family\` add index \`family_main_user_id_index\` (\`main_user_id\`);`);
    this.addSql(`alter table \`family\` add unique \`family_main_user_id_unique\` (\`main_user_id\`);`);

    this.addSql(`create table \`membership\` (\`id\` int unsigned not null auto_increment primary key, \`family_id\` int unsigned not null, \`user_id\` int unsigned not null, \`relation\` varchar(30) not null, \`role\` enum('MANAGER','CAREGIVER') not null, \`status\` enum('PENDING','ACTIVE') not null default 'PENDING', \`created_at\` datetime(3) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`membership\` add index \`membership_family_id_index\` (\`family_id\`);`);
    this.addSql(`alter table \`membership\` add index \`membership_user_id_index\` (\`user_id\`);`);
    this.addSql(`alter table \`membership\` add index \`membership_user_id_status_index\` (\`user_id\`, \`status\`);`);
    this.addSql(`alter table \`membership\` add unique \`membership_family_id_user_id_unique\` (\`family_id\`, \`user_id\`);`);

    this.addSql(`create table \`family_invite\` (\`id\` int unsigned not null auto_increment primary key, \`family_id\` int unsigned not null, \`code_hash\` varchar(64) not null, \`role\` enum('MANAGER','CAREGIVER') not null, \`created_by_id\` int unsigned not null, \`expires_at\` datetime(3) not null, \`used_at\` datetime(3) null, \`created_at\` datetime(3) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`family_invite\` add index \`family_invite_family_id_index\` (\`family_id\`);`);
    this.addSql(`alter table \`family_invite\` add unique \`family_invite_code_hash_unique\` (\`code_hash\`);`);
    this.addSql(`alter table \`family_invite\` add index \`family_invite_created_by_id_index\` (\`created_by_id\`);`);

    this.addSql(`create table \`family_background\` (\`id\` int unsigned not null auto_increment primary key, \`family_id\` int unsigned not null, \`file_id\` varchar(100) not null, \`created_at\` datetime(3) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`family_background\` add index \`family_background_family_id_index\` (\`family_id\`);`);

    this.addSql(`create table \`device\` (\`id\` int unsigned not null auto_increment primary key, \`family_id\` int unsigned not null, \`name\` varchar(50) not null, \`token_hash\` varchar(64) not null, \`last_seen_at\` datetime(3) null, \`revoked_at\` datetime(3) null, \`created_at\` datetime(3) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`device\` add index \`device_family_id_index\` (\`family_id\`);`);
    this.addSql(`alter table \`device\` add unique \`device_token_hash_unique\` (\`token_hash\`);`);

    this.addSql(`create table \`carebot_settings\` (\`id\` int unsigned not null auto_increment primary key, \`family_id\` int unsigned not null, \`is_alarm_enabled\` tinyint(1) not null default true, \`is_camera_enabled\` tinyint(1) not null default true, \`is_microphone_enabled\` tinyint(1) not null default true, \`is_driving_enabled\` tinyint(1) not null default true, \`volume\` int not null default 50, \`wake_up_time\` varchar(5) not null default '07:00', \`bed_time\` varchar(5) not null default '22:00', \`quiet_hours_start\` varchar(5) not null default '22:00', \`quiet_hours_end\` varchar(5) not null default '07:00', \`inactivity_alert_hours\` int not null default 12, \`temperature_min\` double not null default 10, \`temperature_max\` double not null default 35, \`gas_max\` double not null default 1000, \`dust_max\` double not null default 75, \`heart_rate_min\` int not null default 45, \`heart_rate_max\` int not null default 120, \`blood_oxygen_min\` int not null default 92, \`updated_at\` datetime(3) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`carebot_settings\` add unique \`carebot_settings_family_id_unique\` (\`family_id\`);`);

    this.addSql(`alter table \`family\` add constraint \`family_main_user_id_foreign\` foreign key (\`main_user_id\`) references \`user\` (\`id\`) on delete cascade;`);

    this.addSql(`alter table \`membership\` add constraint \`membership_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on delete cascade;`);
    this.addSql(`alter table \`membership\` add constraint \`membership_user_id_foreign\` foreign key (\`user_id\`) references \`user\` (\`id\`) on delete cascade;`);

    this.addSql(`alter table \`family_invite\` add constraint \`family_invite_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on delete cascade;`);
    this.addSql(`alter table \`family_invite\` add constraint \`family_invite_created_by_id_foreign\` foreign key (\`created_by_id\`) references \`user\` (\`id\`) on delete cascade;`);

    this.addSql(`alter table \`family_background\` add constraint \`family_background_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on delete cascade;`);

    this.addSql(`alter table \`device\` add constraint \`device_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on delete cascade;`);

    this.addSql(`alter table \`carebot_settings\` add constraint \`carebot_settings_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table \`membership\` drop foreign key \`membership_family_id_foreign\`;`);
    this.addSql(`alter table \`family_invite\` drop foreign key \`family_invite_family_id_foreign\`;`);
    this.addSql(`alter table \`family_background\` drop foreign key \`family_background_family_id_foreign\`;`);
    this.addSql(`alter table \`device\` drop foreign key \`device_family_id_foreign\`;`);
    this.addSql(`alter table \`carebot_settings\` drop foreign key \`carebot_settings_family_id_foreign\`;`);

    this.addSql(`drop table if exists \`region\`;`);
    this.addSql(`drop table if exists \`family\`;`);
    this.addSql(`drop table if exists \`membership\`;`);
    this.addSql(`drop table if exists \`family_invite\`;`);
    this.addSql(`drop table if exists \`family_background\`;`);
    this.addSql(`drop table if exists \`device\`;`);
    this.addSql(`drop table if exists \`carebot_settings\`;`);
  }

}
