import { Migration } from '@mikro-orm/migrations';

export class Migration20261130210745_alerts extends Migration {

  override name = 'Migration20261130210745_alerts';

  override up(): void | Promise<void> {
    this.addSql(`create table \`emergency_contact\` (\`id\` int unsigned not null auto_increment primary key, \`family_id\` int unsigned not null, \`name\` varchar(100) not null, \`phone\` varchar(40) null, \`email\` varchar(254) null, \`position\` int not null default 0) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`emergency_contact\` add index \`emergency_contact_family_id_position_index\` (\`family_id\`, \`position\`);`);

    this.addSql(`create table \`alert_settings\` (\`family_id\` int unsigned not null, \`grace_seconds\` int not null default 30, \`grace_kinds\` json not null, \`webhook_url\` varchar(500) null, \`webhook_secret\` varchar(100) null, \`updated_at\` datetime(3) not null, primary key (\`family_id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`alert_settings\` add index \`alert_settings_family_id_index\` (\`family_id\`);`);

    this.addSql(`create table \`alert_timer\` (\`id\` int unsigned not null auto_increment primary key, \`notification_id\` int unsigned not null, \`kind\` varchar(20) not null, \`key\` varchar(100) not null, \`payload\` json null, \`due_at\` datetime(3) not null, \`claimed_at\` datetime(3) null, \`fired_at\` datetime(3) null, \`attempts\` int not null default 0) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`alert_timer\` add index \`alert_timer_fired_at_due_at_index\` (\`fired_at\`, \`due_at\`);`);
    this.addSql(`alter table \`alert_timer\` add unique \`alert_timer_notification_id_key_unique\` (\`notification_id\`, \`key\`);`);

    this.addSql(`create table \`alert_timeline\` (\`id\` int unsigned not null auto_increment primary key, \`notification_id\` int unsigned not null, \`family_id\` int unsigned not null, \`type\` enum('RAISED','DELIVERED','SEEN','ACKNOWLEDGED','ESCALATED','REPEATED','RESOLVED','CANCELLED') not null, \`at\` datetime(3) not null, \`actor_id\` int unsigned null, \`by_device\` tinyint(1) not null default false, \`channel\` enum('LIVE','EMAIL','WEBHOOK') null, \`recipient_id\` int unsigned null, \`recipient_name\` varchar(100) null, \`note\` varchar(500) null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`alert_timeline\` add index \`alert_timeline_family_id_index\` (\`family_id\`);`);
    this.addSql(`alter table \`alert_timeline\` add index \`alert_timeline_actor_id_index\` (\`actor_id\`);`);
    this.addSql(`alter table \`alert_timeline\` add index \`alert_timeline_recipient_id_index\` (\`recipient_id\`);`);
    this.addSql(`alter table \`alert_timeline\` add index \`alert_timeline_notification_id_at_index\` (\`notification_id\`, \`at\`);`);

    this.addSql(`alter table \`notification\` add \`state\` enum('OPEN','ACKNOWLEDGED','RESOLVED','CANCELLED') null, add \`outcome\` enum('HANDLED','FALSE_ALARM','EMERGENCY_SERVICES_CALLED') null, add \`resolved_at\` datetime(3) null, add \`resolution_note\` varchar(500) null, add \`occurrences\` int not null default 1, add \`last_occurred_at\` datetime(3) null, add \`device_only\` tinyint(1) not null default false, add \`deliver_at\` datetime(3) null;`);

    this.addSql(`alter table \`emergency_contact\` add constraint \`emergency_contact_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on delete cascade;`);

    this.addSql(`alter table \`alert_settings\` add constraint \`alert_settings_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on update cascade on delete cascade;`);

    this.addSql(`alter table \`alert_timer\` add constraint \`alert_timer_notification_id_foreign\` foreign key (\`notification_id\`) references \`notification\` (\`id\`) on delete cascade;`);

    this.addSql(`alter table \`alert_timeline\` add constraint \`alert_timeline_notification_id_foreign\` foreign key (\`notification_id\`) references \`notification\` (\`id\`) on delete cascade;`);
    this.addSql(`alter table \`alert_timeline\` add constraint \`alert_timeline_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on delete cascade;`);
    this.addSql(`alter table \`alert_timeline\` add constraint \`alert_timeline_actor_id_foreign\` foreign key (\`actor_id\`) references \`user\` (\`id\`) on delete set null;`);
    this.addSql(`alter table \`alert_timeline\` add constraint \`alert_timeline_recipient_id_foreign\` foreign key (\`recipient_id\`) references \`user\` (\`id\`) on delete set null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`emergency_contact\`;`);
    this.addSql(`drop table if exists \`alert_settings\`;`);
    this.addSql(`drop table if exists \`alert_timer\`;`);
    this.addSql(`drop table if exists \`alert_timeline\`;`);

    this.addSql(`alter table \`notification\` drop column \`state\`, drop column \`outcome\`, drop column \`resolved_at\`, drop column \`resolution_note\`, drop column \`occurrences\`, drop column \`last_occurred_at\`, drop column \`device_only\`, drop column \`deliver_at\`;`);
  }

}
