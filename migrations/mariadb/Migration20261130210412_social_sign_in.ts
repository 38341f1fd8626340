import { Migration } from '@mikro-orm/migrations';

export class Migration20261130210412_social_sign_in extends Migration {

  override name = 'Migration20261130210412_social_sign_in';

  override up(): void | Promise<void> {
    this.addSql(`create table \`oauth_flow\` (\`id\` int unsigned not null auto_increment primary key, \`state_hash\` varchar(64) not null, \`provider\` enum('GOOGLE','KAKAO') not null, \`code_verifier\` varchar(128) not null, \`nonce\` varchar(64) not null, \`expires_at\` datetime(3) not null, \`used_at\` datetime(3) null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`oauth_flow\` add unique \`oauth_flow_state_hash_unique\` (\`state_hash\`);`);
    this.addSql(`alter table \`oauth_flow\` add index \`oauth_flow_expires_at_index\` (\`expires_at\`);`);

    this.addSql(`create table \`oauth_pending\` (\`id\` int unsigned not null auto_increment primary key, \`token_hash\` varchar(64) not null, \`provider\` enum('GOOGLE','KAKAO') not null, \`subject\` varchar(255) not null, \`email\` varchar(254) null, \`email_verified\` tinyint(1) not null, \`name\` varchar(50) null, \`link_user_id\` int unsigned null, \`expires_at\` datetime(3) not null, \`used_at\` datetime(3) null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`oauth_pending\` add unique \`oauth_pending_token_hash_unique\` (\`token_hash\`);`);
    this.addSql(`alter table \`oauth_pending\` add index \`oauth_pending_link_user_id_index\` (\`link_user_id\`);`);
    this.addSql(`alter table \`oauth_pending\` add index \`oauth_pending_expires_at_index\` (\`expires_at\`);`);

    this.addSql(`create table \`user_identity\` (\`id\` int unsigned not null auto_increment primary key, \`user_id\` int unsigned not null, \`provider\` enum('GOOGLE','KAKAO') not null, \`subject\` varchar(255) not null, \`email\` varchar(254) null, \`created_at\` datetime(3) not null, \`last_used_at\` datetime(3) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`user_identity\` add index \`user_identity_user_id_index\` (\`user_id\`);`);
    this.addSql(`alter table \`user_identity\` add unique \`user_identity_user_id_provider_unique\` (\`user_id\`, \`provider\`);`);
    this.addSql(`alter table \`user_identity\` add unique \`user_identity_provider_subject_unique\` (\`provider\`, \`subject\`);`);

    this.addSql(`alter table \`oauth_pending\` add constraint \`oauth_pending_link_user_id_foreign\` foreign key (\`link_user_id\`) references \`user\` (\`id\`) on delete cascade;`);

    this.addSql(`alter table \`user_identity\` add constraint \`user_identity_user_id_foreign\` foreign key (\`user_id\`) references \`user\` (\`id\`) on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`oauth_flow\`;`);
    this.addSql(`drop table if exists \`oauth_pending\`;`);
    this.addSql(`drop table if exists \`user_identity\`;`);
  }

}
