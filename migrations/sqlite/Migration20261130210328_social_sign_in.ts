import { Migration } from '@mikro-orm/migrations';

export class Migration20261130210328_social_sign_in extends Migration {

  override name = 'Migration20261130210328_social_sign_in';

  override up(): void | Promise<void> {
    this.addSql(`create table \`oauth_flow\` (\`id\` integer not null primary key autoincrement, \`state_hash\` text not null, \`provider\` text check (\`provider\` in ('GOOGLE', 'KAKAO')) not null, \`code_verifier\` text not null, \`nonce\` text not null, \`expires_at\` datetime not null, \`used_at\` datetime null);`);
    this.addSql(`create unique index \`oauth_flow_state_hash_unique\` on \`oauth_flow\` (\`state_hash\`);`);
    this.addSql(`create index \`oauth_flow_expires_at_index\` on \`oauth_flow\` (\`expires_at\`);`);

    this.addSql(`create table \`oauth_pending\` (\`id\` integer not null primary key autoincrement, \`token_hash\` text not null, \`provider\` text check (\`provider\` in ('GOOGLE', 'KAKAO')) not null, \`subject\` text not null, \`email\` text null, \`email_verified\` integer not null, \`name\` text null, \`link_user_id\` integer null, \`expires_at\` datetime not null, \`used_at\` datetime null, constraint \`oauth_pending_link_user_id_foreign\` foreign key (\`link_user_id\`) references \`user\` (\`id\`) on delete cascade);`);
    this.addSql(`create unique index \`oauth_pending_token_hash_unique\` on \`oauth_pending\` (\`token_hash\`);`);
    this.addSql(`create index \`oauth_pending_link_user_id_index\` on \`oauth_pending\` (\`link_user_id\`);`);
    this.addSql(`create index \`oauth_pending_expires_at_index\` on \`oauth_pending\` (\`expires_at\`);`);

    this.addSql(`create table \`user_identity\` (\`id\` integer not null primary key autoincrement, \`user_id\` integer not null, \`provider\` text check (\`provider\` in ('GOOGLE', 'KAKAO')) not null, \`subject\` text not null, \`email\` text null, \`created_at\` datetime not null, \`last_used_at\` datetime not null, constraint \`user_identity_user_id_foreign\` foreign key (\`user_id\`) references \`user\` (\`id\`) on delete cascade);`);
    this.addSql(`create index \`user_identity_user_id_index\` on \`user_identity\` (\`user_id\`);`);
    this.addSql(`create unique index \`user_identity_user_id_provider_unique\` on \`user_identity\` (\`user_id\`, \`provider\`);`);
    this.addSql(`create unique index \`user_identity_provider_subject_unique\` on \`user_identity\` (\`provider\`, \`subject\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`oauth_flow\`;`);
    this.addSql(`drop table if exists \`oauth_pending\`;`);
    this.addSql(`drop table if exists \`user_identity\`;`);
  }

}
