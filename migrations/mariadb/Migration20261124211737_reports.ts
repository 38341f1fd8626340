import { Migration } from '@mikro-orm/migrations';

export class Migration20261124211737_reports extends Migration {

  override name = 'Migration20261124211737_reports';

  override up(): void | Promise<void> {
    this.addSql(`create table \`notification\` (\`id\` int unsigned not null auto_increment primary key, \`family_id\` int unsigned not null, \`grade\` enum('NONE','INFO','WARN','CRIT') not null, \`kind\` enum('FIRE','FALL','DISASTER','HEALTH','ENVIRONMENT','INACTIVITY','EMERGENCY','SYSTEM','OTHER') not null, \`message\` varchar(500) not null, \`image_id\` varchar(100) null, \`acknowledged_by_id\` int unsigned null, \`acknowledged_at\` datetime(3) null, \`created_at\` datetime(3) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`notification\` add index \`notification_family_id_index\` (\`family_id\`);`);
    this.addSql(`alter table \`notification\` add index \`notification_acknowledged_by_id_index\` (\`acknowledged_by_id\`);`);
    this.addSql(`alter table \`notification\` add index \`notification_created_at_index\` (\`created_at\`);`);
    this.addSql(`alter table \`notification\` add index \`notification_family_id_kind_created_at_index\` (\`family_id\`, \`kind\`, \`created_at\`);`);
    this.addSql(`alter table \`notification\` add index \`notification_family_id_created_at_index\` (\`family_id\`, \`created_at\`);`);

    this.addSql(`create table \`notification_read\` (\`id\` int unsigned not null auto_increment primary key, \`notification_id\` int unsigned not null, \`user_id\` int unsigned not null, \`read_at\` datetime(3) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`notification_read\` add index \`notification_read_notification_id_index\` (\`notification_id\`);`);
    this.addSql(`alter table \`notification_read\` add index \`notification_read_user_id_index\` (\`user_id\`);`);
    this.addSql(`alter table \`notification_read\` add index \`notification_read_user_id_notification_id_index\` (\`user_id\`, \`notification_id\`);`);
    this.addSql(`alter table \`notification_read\` add unique \`notification_read_notification_id_user_id_unique\` (\`notification_id\`, \`user_id\`);`);

    this.addSql(`create table \`mental_status\` (\`id\` int unsigned not null auto_increment primary key, \`family_id\` int unsigned not null, \`report_id\` varchar(36) null, \`emotion\` enum('JOY','SADNESS','ANGER','ANXIETY','NEUTRAL') not null, \`joy\` double not null, \`sadness\` double not null, \`anger\` double not null, \`anxiety\` double not null, \`neutral\` double not null, \`source\` enum('CONVERSATION','FACE','VOICE','SELF_REPORT') not null, \`measured_at\` datetime(3) not null, \`created_at\` datetime(3) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`mental_status\` add index \`mental_status_family_id_index\` (\`family_id\`);`);
    this.addSql(`alter table \`mental_status\` add index \`mental_status_family_id_measured_at_index\` (\`family_id\`, \`measured_at\`);`);
    this.addSql(`alter table \`mental_status\` add unique \`mental_status_family_id_report_id_unique\` (\`family_id\`, \`report_id\`);`);

    this.addSql(`create table \`mental_report\` (\`id\` int unsigned not null auto_increment primary key, \`family_id\` int unsigned not null, \`report_id\` varchar(36) null, \`period_start\` datetime(3) not null, \`period_end\` datetime(3) not null, \`summary\` text not null, \`risk_level\` enum('LOW','MEDIUM','HIGH','CRITICAL') not null, \`recommendations\` json not null, \`created_at\` datetime(3) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`mental_report\` add index \`mental_report_family_id_index\` (\`family_id\`);`);
    this.addSql(`alter table \`mental_report\` add index \`mental_report_family_id_created_at_index\` (\`family_id\`, \`created_at\`);`);
    this.addSql(`alter table \`mental_report\` add unique \`mental_report_family_id_report_id_unique\` (\`family_id\`, \`report_id\`);`);

    this.addSql(`create table \`home_status\` (\`id\` int unsigned not null auto_increment primary key, \`family_id\` int unsigned not null, \`report_id\` varchar(36) null, \`temperature\` double not null, \`humidity\` double not null, \`dust_density\` double not null, \`gas_level\` double not null, \`measured_at\` datetime(3) not null, \`created_at\` datetime(3) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`home_status\` add index \`home_status_family_id_index\` (\`family_id\`);`);
    this.addSql(`alter table \`home_status\` add index \`home_status_family_id_measured_at_index\` (\`family_id\`, \`measured_at\`);`);
    this.addSql(`alter table \`home_status\` add unique \`home_status_family_id_report_id_unique\` (\`family_id\`, \`report_id\`);`);

    this.addSql(`create table \`health_status\` (\`id\` int unsigned not null auto_increment primary key, \`family_id\` int unsigned not null, \`report_id\` varchar(36) null, \`heart_rate\` int null, \`blood_oxygen\` int null, \`body_temperature\` double null, \`systolic\` int null, \`diastolic\` int null, \`measured_at\` datetime(3) not null, \`created_at\` datetime(3) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`health_status\` add index \`health_status_family_id_index\` (\`family_id\`);`);
    this.addSql(`alter table \`health_status\` add index \`health_status_family_id_measured_at_index\` (\`family_id\`, \`measured_at\`);`);
    this.addSql(`alter table \`health_status\` add unique \`health_status_family_id_report_id_unique\` (\`family_id\`, \`report_id\`);`);

    this.addSql(`create table \`activity\` (\`id\` int unsigned not null auto_increment primary key, \`family_id\` int unsigned not null, \`report_id\` varchar(36) null, \`action\` enum('WALKING','SITTING','LYING','SLEEPING','EATING','EXERCISING','TALKING','OUTING','FALL','OTHER') not null, \`score\` double null, \`image_id\` varchar(100) null, \`measured_at\` datetime(3) not null, \`created_at\` datetime(3) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`activity\` add index \`activity_family_id_index\` (\`family_id\`);`);
    this.addSql(`alter table \`activity\` add index \`activity_family_id_measured_at_index\` (\`family_id\`, \`measured_at\`);`);
    this.addSql(`alter table \`activity\` add unique \`activity_family_id_report_id_unique\` (\`family_id\`, \`report_id\`);`);

    this.addSql(`alter table \`notification\` add constraint \`notification_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on delete cascade;`);
    this.addSql(`alter table \`notification\` add constraint \`notification_acknowledged_by_id_foreign\` foreign key (\`acknowledged_by_id\`) references \`user\` (\`id\`) on delete set null;`);

    this.addSql(`alter table \`notification_read\` add constraint \`notification_read_notification_id_foreign\` foreign key (\`notification_id\`) references \`notification\` (\`id\`) on delete cascade;`);
    this.addSql(`alter table \`notification_read\` add constraint \`notification_read_user_id_foreign\` foreign key (\`user_id\`) references \`user\` (\`id\`) on delete cascade;`);

    this.addSql(`alter table \`mental_status\` add constraint \`mental_status_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on delete cascade;`);

    this.addSql(`alter table \`mental_report\` add constraint \`mental_report_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on delete cascade;`);

    this.addSql(`alter table \`home_status\` add constraint \`home_status_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on delete cascade;`);

    this.addSql(`alter table \`health_status\` add constraint \`health_status_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on delete cascade;`);

    this.addSql(`alter table \`activity\` add constraint \`activity_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table \`notification_read\` drop foreign key \`notification_read_notification_id_foreign\`;`);

    this.addSql(`drop table if exists \`notification\`;`);
    this.addSql(`drop table if exists \`notification_read\`;`);
    this.addSql(`drop table if exists \`mental_status\`;`);
    this.addSql(`drop table if exists \`mental_report\`;`);
    this.addSql(`drop table if exists \`home_status\`;`);
    this.addSql(`drop table if exists \`health_status\`;`);
    this.addSql(`drop table if exists \`activity\`;`);
  }

}
