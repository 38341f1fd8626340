import { Migration } from '@mikro-orm/migrations';

export class Migration20261130213712_challenges extends Migration {

  override name = 'Migration20261130213712_challenges';

  override up(): void | Promise<void> {
    this.addSql(`create table \`challenge\` (\`id\` integer not null primary key autoincrement, \`owner_id\` integer not null, \`proposed_by_id\` integer null, \`family_id\` integer null, \`title\` text not null, \`description\` text not null default '', \`period\` text check (\`period\` in ('DAILY', 'WEEKLY')) not null, \`target_count\` integer not null, \`start_day\` datetime not null, \`end_day\` datetime not null, \`status\` text check (\`status\` in ('PROPOSED', 'ACTIVE', 'COMPLETED', 'ABANDONED', 'DECLINED')) not null default 'ACTIVE', \`created_at\` datetime not null, constraint \`challenge_owner_id_foreign\` foreign key (\`owner_id\`) references \`user\` (\`id\`) on delete cascade, constraint \`challenge_proposed_by_id_foreign\` foreign key (\`proposed_by_id\`) references \`user\` (\`id\`) on delete set null, constraint \`challenge_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on delete cascade);`);
    this.addSql(`create index \`challenge_proposed_by_id_index\` on \`challenge\` (\`proposed_by_id\`);`);
    this.addSql(`create index \`challenge_family_id_index\` on \`challenge\` (\`family_id\`);`);
    this.addSql(`create index \`challenge_status_end_day_index\` on \`challenge\` (\`status\`, \`end_day\`);`);
    this.addSql(`create index \`challenge_owner_id_status_index\` on \`challenge\` (\`owner_id\`, \`status\`);`);

    this.addSql(`create table \`challenge_check_in\` (\`id\` integer not null primary key autoincrement, \`challenge_id\` integer not null, \`day\` datetime not null, \`created_at\` datetime not null, constraint \`challenge_check_in_challenge_id_foreign\` foreign key (\`challenge_id\`) references \`challenge\` (\`id\`) on delete cascade);`);
    this.addSql(`create unique index \`challenge_check_in_challenge_id_day_unique\` on \`challenge_check_in\` (\`challenge_id\`, \`day\`);`);
  }

  override down(): void | Promise<void> {

    this.addSql(`drop table if exists \`challenge\`;`);
    this.addSql(`drop table if exists \`challenge_check_in\`;`);
  }

}
