import { Migration } from '@mikro-orm/migrations';

export class Migration20261124205117_accounts extends Migration {

  override name = 'Migration20261124205117_accounts';

  override up(): void | Promise<void> {
    this.addSql(`create table \`user\` (\`id\` integer not null primary key autoincrement, \`email\` text not null, \`password_hash\` text not null, \`name\` text not null, \`role\` text check (\`role\` in ('MAIN', 'MEMBER', 'ADMIN')) not null, \`birth_date\` date null, \`gender\` text check (\`gender\` in ('MALE', 'FEMALE')) null, \`master_region_code\` text null, \`sub_region_code\` text null, \`address_detail\` text null, \`phone\` text null, \`suspended_until\` datetime null, \`password_changed_at\` datetime null, \`created_at\` datetime not null, \`updated_at\` datetime not null);`);
    this.addSql(`create unique index \`user_email_unique\` on \`user\` (\`email\`);`);

    this.addSql(`create table \`session\` (\`id\` integer not null primary key autoincrement, \`user_id\` integer not null, \`token_hash\` text not null, \`remember\` integer not null default false, \`created_at\` datetime not null, \`last_seen_at\` datetime not null, \`absolute_expires_at\` datetime not null, \`user_agent\` text null, \`ip\` text null, constraint \`session_user_id_foreign\` foreign key (\`user_id\`) references \`user\` (\`id\`) on delete cascade);`);
    this.addSql(`create index \`session_user_id_index\` on \`session\` (\`user_id\`);`);
    this.addSql(`create unique index \`session_token_hash_unique\` on \`session\` (\`token_hash\`);`);
    this.addSql(`create index \`session_absolute_expires_at_index\` on \`session\` (\`absolute_expires_at\`);`);

    this.addSql(`create table \`password_reset\` (\`id\` integer not null primary key autoincrement, \`user_id\` integer not null, \`token_hash\` text not null, \`expires_at\` datetime not null, \`used_at\` datetime null, \`created_at\` datetime not null, constraint \`password_reset_user_id_foreign\` foreign key (\`user_id\`) references \`user\` (\`id\`) on delete cascade);`);
    this.addSql(`create index \`password_reset_user_id_index\` on \`password_reset\` (\`user_id\`);`);
    this.addSql(`create unique index \`password_reset_token_hash_unique\` on \`password_reset\` (\`token_hash\`);`);
  }

  override down(): void | Promise<void> {

    this.addSql(`drop table if exists \`user\`;`);
    this.addSql(`drop table if exists \`session\`;`);
    this.addSql(`drop table if exists \`password_reset\`;`);
  }

}
