import { Migration } from '@mikro-orm/migrations';

export class Migration20261201003714_check_ins extends Migration {

  override name = 'Migration20261201003714_check_ins';

  override up(): void | Promise<void> {
    this.addSql(`create table \`check_in\` (\`id\` int unsigned not null auto_increment primary key, \`family_id\` int unsigned not null, \`created_by_id\` int unsigned null, \`kind\` enum('QUESTION','MEASUREMENT') not null, \`prompt\` varchar(200) not null, \`medication\` tinyint(1) not null default false, \`measurement\` enum('BLOOD_PRESSURE','WEIGHT','GLUCOSE','TEMPERATURE','HEART_RATE','BLOOD_OXYGEN') null, \`alert_below\` double null, \`alert_above\` double null, \`minute\` int not null, \`weekday_mask\` int not null, \`grace_minutes\` int not null, \`active\` tinyint(1) not null default true, \`schedule_from\` datetime(3) not null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`check_in\` add index \`check_in_family_id_index\` (\`family_id\`);`);
    this.addSql(`alter table \`check_in\` add index \`check_in_created_by_id_index\` (\`created_by_id\`);`);
    this.addSql(`alter table \`check_in\` add index \`check_in_active_index\` (\`active\`);`);
    this.addSql(`alter table \`check_in\` add index \`check_in_family_id_id_index\` (\`family_id\`, \`id\`);`);

    this.addSql(`create table \`check_in_occurrence\` (\`id\` int unsigned not null auto_increment primary key, \`check_in_id\` int unsigned not null, \`family_id\` int unsigned not null, \`local_day\` int not null, \`minute\` int not null, \`due_at\` datetime(3) not null, \`expires_at\` datetime(3) not null, \`state\` enum('PENDING','ANSWERED','MISSED') not null default 'PENDING', \`yes\` tinyint(1) null, \`value\` double null, \`negative\` tinyint(1) not null default false, \`needs_alert\` tinyint(1) not null default false, \`answered_at\` datetime(3) null, \`alerted_at\` datetime(3) null, \`created_at\` datetime(3) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`check_in_occurrence\` add index \`check_in_occurrence_check_in_id_index\` (\`check_in_id\`);`);
    this.addSql(`alter table \`check_in_occurrence\` add index \`check_in_occurrence_family_id_index\` (\`family_id\`);`);
    this.addSql(`alter table \`check_in_occurrence\` add index \`check_in_occurrence_created_at_index\` (\`created_at\`);`);
    this.addSql(`alter table \`check_in_occurrence\` add index \`check_in_occurrence_needs_alert_index\` (\`needs_alert\`);`);
    this.addSql(`alter table \`check_in_occurrence\` add index \`check_in_occurrence_state_expires_at_index\` (\`state\`, \`expires_at\`);`);
    this.addSql(`alter table \`check_in_occurrence\` add index \`check_in_occurrence_family_id_state_due_at_index\` (\`family_id\`, \`state\`, \`due_at\`);`);
    this.addSql(`alter table \`check_in_occurrence\` add index \`check_in_occurrence_family_id_local_day_index\` (\`family_id\`, \`local_day\`);`);
    this.addSql(`alter table \`check_in_occurrence\` add unique \`check_in_occurrence_check_in_id_local_day_minute_unique\` (\`check_in_id\`, \`local_day\`, \`minute\`);`);

    this.addSql(`alter table \`check_in\` add constraint \`check_in_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on delete cascade;`);
    this.addSql(`alter table \`check_in\` add constraint \`check_in_created_by_id_foreign\` foreign key (\`created_by_id\`) references \`user\` (\`id\`) on delete set null;`);

    this.addSql(`alter table \`check_in_occurrence\` add constraint \`check_in_occurrence_check_in_id_foreign\` foreign key (\`check_in_id\`) references \`check_in\` (\`id\`) on delete cascade;`);
    this.addSql(`alter table \`check_in_occurrence\` add constraint \`check_in_occurrence_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table \`check_in_occurrence\` drop foreign key \`check_in_occurrence_check_in_id_foreign\`;`);

    this.addSql(`drop table if exists \`check_in\`;`);
    this.addSql(`drop table if exists \`check_in_occurrence\`;`);
  }

}
