import { Migration } from '@mikro-orm/migrations';

export class Migration20261201002249_digest extends Migration {

  override name = 'Migration20261201002249_digest';

  override up(): void | Promise<void> {
    this.addSql(`create table \`digest\` (\`id\` int unsigned not null auto_increment primary key, \`family_id\` int unsigned not null, \`day\` varchar(10) not null, \`time_zone\` varchar(64) not null, \`period_start\` datetime(3) not null, \`period_end\` datetime(3) not null, \`content\` json not null, \`created_at\` datetime(3) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`digest\` add index \`digest_family_id_period_start_index\` (\`family_id\`, \`period_start\`);`);
    this.addSql(`alter table \`digest\` add unique \`digest_family_id_day_unique\` (\`family_id\`, \`day\`);`);

    this.addSql(`create table \`digest_preference\` (\`id\` int unsigned not null auto_increment primary key, \`family_id\` int unsigned not null, \`user_id\` int unsigned not null, \`enabled\` tinyint(1) not null default false, \`locale\` enum('KO','EN') not null default 'KO', \`updated_at\` datetime(3) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`digest_preference\` add index \`digest_preference_user_id_index\` (\`user_id\`);`);
    this.addSql(`alter table \`digest_preference\` add index \`digest_preference_enabled_family_id_index\` (\`enabled\`, \`family_id\`);`);
    this.addSql(`alter table \`digest_preference\` add unique \`digest_preference_family_id_user_id_unique\` (\`family_id\`, \`user_id\`);`);

    this.addSql(`create table \`digest_delivery\` (\`id\` int unsigned not null auto_increment primary key, \`digest_id\` int unsigned not null, \`user_id\` int unsigned not null, \`locale\` enum('KO','EN') not null, \`sent_at\` datetime(3) null, \`created_at\` datetime(3) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`digest_delivery\` add index \`digest_delivery_user_id_index\` (\`user_id\`);`);
    this.addSql(`alter table \`digest_delivery\` add index \`digest_delivery_sent_at_created_at_index\` (\`sent_at\`, \`created_at\`);`);
    this.addSql(`alter table \`digest_delivery\` add unique \`digest_delivery_digest_id_user_id_unique\` (\`digest_id\`, \`user_id\`);`);

    this.addSql(`alter table \`digest\` add constraint \`digest_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on delete cascade;`);

    this.addSql(`alter table \`digest_preference\` add constraint \`digest_preference_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on delete cascade;`);
    this.addSql(`alter table \`digest_preference\` add constraint \`digest_preference_user_id_foreign\` foreign key (\`user_id\`) references \`user\` (\`id\`) on delete cascade;`);

    this.addSql(`alter table \`digest_delivery\` add constraint \`digest_delivery_digest_id_foreign\` foreign key (\`digest_id\`) references \`digest\` (\`id\`) on delete cascade;`);
    this.addSql(`alter table \`digest_delivery\` add constraint \`digest_delivery_user_id_foreign\` foreign key (\`user_id\`) references \`user\` (\`id\`) on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table \`digest_delivery\` drop foreign key \`digest_delivery_digest_id_foreign\`;`);

    this.addSql(`drop table if exists \`digest\`;`);
    this.addSql(`drop table if exists \`digest_preference\`;`);
    this.addSql(`drop table if exists \`digest_delivery\`;`);
  }

}
