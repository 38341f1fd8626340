import { Migration } from '@mikro-orm/migrations';

export class Migration20261130213808_challenges extends Migration {

  override name = 'Migration20261130213808_challenges';

  override up(): void | Promise<void> {
    this.addSql(`create table \`challenge\` (\`id\` int unsigned not null auto_increment primary key, \`owner_id\` int unsigned not null, \`proposed_by_id\` int unsigned null, \`family_id\` int unsigned null, \`title\` varchar(100) not null, \`description\` varchar(1000) not null default '', \`period\` enum('DAILY','WEEKLY') not null, \`target_count\` int not null, \`start_day\` datetime(3) not null, \`end_day\` datetime(3) not null, \`status\` enum('PROPOSED','ACTIVE','COMPLETED','ABANDONED','DECLINED') not null default 'ACTIVE', \`created_at\` datetime(3) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`challenge\` add index \`challenge_proposed_by_id_index\` (\`proposed_by_id\`);`);
    this.addSql(`alter table \`challenge\` add index \`challenge_family_id_index\` (\`family_id\`);`);
    this.addSql(`alter table \`challenge\` add index \`challenge_status_end_day_index\` (\`status\`, \`end_day\`);`);
    this.addSql(`alter table \`challenge\` add index \`challenge_owner_id_status_index\` (\`owner_id\`, \`status\`);`);

    this.addSql(`create table \`challenge_check_in\` (\`id\` int unsigned not null auto_increment primary key, \`challenge_id\` int unsigned not null, \`day\` datetime(3) not null, \`created_at\` datetime(3) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`challenge_check_in\` add unique \`challenge_check_in_challenge_id_day_unique\` (\`challenge_id\`, \`day\`);`);

    this.addSql(`alter table \`challenge\` add constraint \`challenge_owner_id_foreign\` foreign key (\`owner_id\`) references \`user\` (\`id\`) on delete cascade;`);
    this.addSql(`alter table \`challenge\` add constraint \`challenge_proposed_by_id_foreign\` foreign key (\`proposed_by_id\`) references \`user\` (\`id\`) on delete set null;`);
    this.addSql(`alter table \`challenge\` add constraint \`challenge_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on delete cascade;`);

    this.addSql(`alter table \`challenge_check_in\` add constraint \`challenge_check_in_challenge_id_foreign\` foreign key (\`challenge_id\`) references \`challenge\` (\`id\`) on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table \`challenge_check_in\` drop foreign key \`challenge_check_in_challenge_id_foreign\`;`);

    this.addSql(`drop table if exists \`challenge\`;`);
    this.addSql(`drop table if exists \`challenge_check_in\`;`);
  }

}
