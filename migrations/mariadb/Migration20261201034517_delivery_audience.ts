import { Migration } from '@mikro-orm/migrations';

export class Migration20261201034517_delivery_audience extends Migration {

  override name = 'Migration20261201034517_delivery_audience';

  override up(): void | Promise<void> {
    this.addSql(`create table \`delivery_preference\` (\`id\` int unsigned not null auto_increment primary key, \`family_id\` int unsigned not null, \`user_id\` int unsigned not null, \`live_min_grade\` enum('NONE','INFO','WARN','CRIT') not null default 'NONE', \`email_min_grade\` enum('NONE','INFO','WARN','CRIT') not null default 'CRIT', \`quiet_hours_start\` varchar(5) null, \`quiet_hours_end\` varchar(5) null, \`updated_at\` datetime(3) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`delivery_preference\` add index \`delivery_preference_user_id_index\` (\`user_id\`);`);
    this.addSql(`alter table \`delivery_preference\` add unique \`delivery_preference_family_id_user_id_unique\` (\`family_id\`, \`user_id\`);`);

    this.addSql(`alter table \`notification\` add \`audience\` enum('FAMILY','MANAGERS') not null default 'FAMILY';`);

    this.addSql(`alter table \`delivery_preference\` add constraint \`delivery_preference_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on delete cascade;`);
    this.addSql(`alter table \`delivery_preference\` add constraint \`delivery_preference_user_id_foreign\` foreign key (\`user_id\`) references \`user\` (\`id\`) on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`delivery_preference\`;`);

    this.addSql(`alter table \`notification\` drop column \`audience\`;`);
  }

}
