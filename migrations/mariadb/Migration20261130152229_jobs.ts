import { Migration } from '@mikro-orm/migrations';

export class Migration20261130152229_jobs extends Migration {

  override name = 'Migration20261130152229_jobs';

  override up(): void | Promise<void> {
    this.addSql(`create table \`job_lease\` (\`name\` varchar(100) not null, \`holder\` varchar(100) not null, \`expires_at\` datetime(3) not null, primary key (\`name\`)) default character set utf8mb4 engine = InnoDB;`);

    this.addSql(`alter table \`notification\` add \`dedupe_key\` varchar(100) null;`);
    this.addSql(`alter table \`notification\` add unique \`notification_family_id_dedupe_key_unique\` (\`family_id\`, \`dedupe_key\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`job_lease\`;`);

    this.addSql(`alter table \`notification\` drop index \`notification_family_id_dedupe_key_unique\`;`);
    this.addSql(`alter table \`notification\` drop column \`dedupe_key\`;`);
  }

}
