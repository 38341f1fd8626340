import { Migration } from '@mikro-orm/migrations';

export class Migration20261201033441_alert_policy extends Migration {

  override name = 'Migration20261201033441_alert_policy';

  override up(): void | Promise<void> {
    this.addSql(`create table \`alert_policy\` (\`family_id\` int unsigned not null, \`steps\` json not null, \`closed_loop_minutes\` int null, \`closed_loop_acknowledger\` tinyint(1) not null, \`closed_loop_roles\` json not null, \`closed_loop_channels\` json not null, \`updated_at\` datetime(3) not null, primary key (\`family_id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`alert_policy\` add index \`alert_policy_family_id_index\` (\`family_id\`);`);

    this.addSql(`alter table \`alert_policy\` add constraint \`alert_policy_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on update cascade on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`alert_policy\`;`);
  }

}
