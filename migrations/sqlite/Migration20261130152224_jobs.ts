import { Migration } from '@mikro-orm/migrations';

export class Migration20261130152224_jobs extends Migration {

  override name = 'Migration20261130152224_jobs';

  override up(): void | Promise<void> {
    this.addSql(`create table \`job_lease\` (\`name\` text not null primary key, \`holder\` text not null, \`expires_at\` datetime not null);`);

    this.addSql(`alter table \`notification\` add column \`dedupe_key\` text null;`);
    this.addSql(`create unique index \`notification_family_id_dedupe_key_unique\` on \`notification\` (\`family_id\`, \`dedupe_key\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`job_lease\`;`);

    this.addSql(`drop index \`notification_family_id_dedupe_key_unique\`;`);
    this.addSql(`alter table \`notification\` drop column \`dedupe_key\`;`);
  }

}
