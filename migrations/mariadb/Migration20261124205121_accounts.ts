import { Migration } from '@mikro-orm/migrations';

export class Migration20261124205121_accounts extends Migration {

  override name = 'Migration20261124205121_accounts';

  override up(): void | Promise<void> {
    this.addSql(`create table \`user\` (\`id\` int unsigned not null auto_increment primary key, \`email\` varchar(254) not null, \`password_hash\` varchar(255) not null, \`name\` varchar(50) not null, \`role\` enum('MAIN','MEMBER','ADMIN') not null, \`birth_date\` date null, \`gender\` enum('MALE','FEMALE') null, \`master_region_code\` varchar(2) null, \`sub_region_code\` varchar(5) null, \`address_detail\` varchar(200) null, \`phone\` varchar(20) null, \`suspended_until\` datetime(3) null, \`password_changed_at\` datetime(3) null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`user\` add unique \`user_email_unique\` (\`email\`);`);

    this.addSql(`create table \`session\` (\`id\` int unsigned not null auto_increment primary key, \`user_id\` int unsigned not null, \`token_hash\` varchar(64) not null, \`remember\` tinyint(1) not null default false, \`created_at\` datetime(3) not null, \`last_seen_at\` datetime(3) not null, \`absolute_expires_at\` datetime(3) not null, \`user_agent\` varchar(255) null, \`ip\` varchar(45) null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`session\` add index \`session_user_id_index\` (\`user_id\`);`);
    this.addSql(`alter table \`session\` add unique \`session_token_hash_unique\` (\`token_hash\`);`);
    this.addSql(`alter table \`session\` add index \`session_absolute_expires_at_index\` (\`absolute_expires_at\`);`);

    this.addSql(`create table \`password_reset\` (\`id\` int unsigned not null auto_increment primary key, \`user_id\` int unsigned not null, \`token_hash\` varchar(64) not null, \`expires_at\` datetime(3) not null, \`used_at\` datetime(3) null, \`created_at\` datetime(3) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`password_reset\` add index \`password_reset_user_id_index\` (\`user_id\`);`);
    this.addSql(`alter table \`password_reset\` add unique \`password_reset_token_hash_unique\` (\`token_hash\`);`);

    this.addSql(`alter table \`session\` add constraint \`session_user_id_foreign\` foreign key (\`user_id\`) references \`user\` (\`id\`) on delete cascade;`);

    this.addSql(`alter table \`password_reset\` add constraint \`password_reset_user_id_foreign\` foreign key (\`user_id\`) references \`user\` (\`id\`) on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table \`session\` drop foreign key \`session_user_id_foreign\`;`);
    this.addSql(`alter table \`password_reset\` drop foreign key \`password_reset_user_id_foreign\`;`);

    this.addSql(`drop table if exists \`user\`;`);
    this.addSql(`drop table if exists \`session\`;`);
    this.addSql(`drop table if exists \`password_reset\`;`);
  }

}
