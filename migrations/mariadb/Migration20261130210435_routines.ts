import { Migration } from '@mikro-orm/migrations';

export class Migration20261130210435_routines extends Migration {

  override name = 'Migration20261130210435_routines';

  override up(): void | Promise<void> {
    this.addSql(`create table \`routine_rule\` (\`id\` int unsigned not null auto_increment primary key, \`family_id\` int unsigned not null, \`kind\` enum('NO_ACTIVITY','LONG_ACTIVITY') not null, \`actions\` json not null, \`start_minute\` int not null, \`end_minute\` int not null, \`min_duration_minutes\` int null, \`grade\` enum('NONE','INFO','WARN','CRIT') not null, \`message\` varchar(200) not null, \`created_at\` datetime(3) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`routine_rule\` add index \`routine_rule_family_id_index\` (\`family_id\`);`);
    this.addSql(`alter table \`routine_rule\` add index \`routine_rule_kind_index\` (\`kind\`);`);

    this.addSql(`create table \`care_settings\` (\`family_id\` int unsigned not null, \`time_zone\` varchar(64) not null default 'Asia/Seoul', \`device_offline_minutes\` int not null default 15, \`updated_at\` datetime(3) not null, primary key (\`family_id\`)) default character set utf8mb4 engine = InnoDB;`);

    this.addSql(`create table \`device_offline_period\` (\`id\` int unsigned not null auto_increment primary key, \`device_id\` int unsigned not null, \`family_id\` int unsigned not null, \`started_at\` datetime(3) not null, \`detected_at\` datetime(3) not null, \`ended_at\` datetime(3) null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`device_offline_period\` add index \`device_offline_period_device_id_index\` (\`device_id\`);`);
    this.addSql(`alter table \`device_offline_period\` add index \`device_offline_period_family_id_index\` (\`family_id\`);`);
    this.addSql(`alter table \`device_offline_period\` add index \`device_offline_period_device_id_ended_at_index\` (\`device_id\`, \`ended_at\`);`);

    this.addSql(`alter table \`routine_rule\` add constraint \`routine_rule_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on delete cascade;`);

    this.addSql(`alter table \`care_settings\` add constraint \`care_settings_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on update cascade on delete cascade;`);

    this.addSql(`alter table \`device_offline_period\` add constraint \`device_offline_period_device_id_foreign\` foreign key (\`device_id\`) references \`device\` (\`id\`) on delete cascade;`);
    this.addSql(`alter table \`device_offline_period\` add constraint \`device_offline_period_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`routine_rule\`;`);
    this.addSql(`drop table if exists \`care_settings\`;`);
    this.addSql(`drop table if exists \`device_offline_period\`;`);
  }

}
