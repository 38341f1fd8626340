import { Migration } from '@mikro-orm/migrations';

export class Migration20261201002216_digest extends Migration {

  override name = 'Migration20261201002216_digest';

  override up(): void | Promise<void> {
    this.addSql(`create table \`digest\` (\`id\` integer not null primary key autoincrement, \`family_id\` integer not null, \`day\` text not null, \`time_zone\` text not null, \`period_start\` datetime not null, \`period_end\` datetime not null, \`content\` json not null, \`created_at\` datetime not null, constraint \`digest_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on delete cascade);`);
    this.addSql(`create index \`digest_family_id_period_start_index\` on \`digest\` (\`family_id\`, \`period_start\`);`);
    this.addSql(`create unique index \`digest_family_id_day_unique\` on \`digest\` (\`family_id\`, \`day\`);`);

    this.addSql(`create table \`digest_preference\` (\`id\` integer not null primary key autoincrement, \`family_id\` integer not null, \`user_id\` integer not null, \`enabled\` integer not null default false, \`locale\` text check (\`locale\` in ('KO', 'EN')) not null default 'KO', \`updated_at\` datetime not null, constraint \`digest_preference_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on delete cascade, constraint \`digest_preference_user_id_foreign\` foreign key (\`user_id\`) references \`user\` (\`id\`) on delete cascade);`);
    this.addSql(`create index \`digest_preference_user_id_index\` on \`digest_preference\` (\`user_id\`);`);
    this.addSql(`create index \`digest_preference_enabled_family_id_index\` on \`digest_preference\` (\`enabled\`, \`family_id\`);`);
    this.addSql(`create unique index \`digest_preference_family_id_user_id_unique\` on \`digest_preference\` (\`family_id\`, \`user_id\`);`);

    this.addSql(`create table \`digest_delivery\` (\`id\` integer not null primary key autoincrement, \`digest_id\` integer not null, \`user_id\` integer not null, \`locale\` text check (\`locale\` in ('KO', 'EN')) not null, \`sent_at\` datetime null, \`created_at\` datetime not null, constraint \`digest_delivery_digest_id_foreign\` foreign key (\`digest_id\`) references \`digest\` (\`id\`) on delete cascade, constraint \`digest_delivery_user_id_foreign\` foreign key (\`user_id\`) references \`user\` (\`id\`) on delete cascade);`);
    this.addSql(`create index \`digest_delivery_user_id_index\` on \`digest_delivery\` (\`user_id\`);`);
    this.addSql(`create index \`digest_delivery_sent_at_created_at_index\` on \`digest_delivery\` (\`sent_at\`, \`created_at\`);`);
    this.addSql(`create unique index \`digest_delivery_digest_id_user_id_unique\` on \`digest_delivery\` (\`digest_id\`, \`user_id\`);`);
  }

  override down(): void | Promise<void> {

    this.addSql(`drop table if exists \`digest\`;`);
    this.addSql(`drop table if exists \`digest_preference\`;`);
    this.addSql(`drop table if exists \`digest_delivery\`;`);
  }

}
