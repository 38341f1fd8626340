import { Migration } from '@mikro-orm/migrations';

export class Migration20261201033359_alert_policy extends Migration {

  override name = 'Migration20261201033359_alert_policy';

  override up(): void | Promise<void> {
    this.addSql(`create table \`alert_policy\` (\`family_id\` integer not null primary key, \`steps\` json not null, \`closed_loop_minutes\` integer null, \`closed_loop_acknowledger\` integer not null, \`closed_loop_roles\` json not null, \`closed_loop_channels\` json not null, \`updated_at\` datetime not null, constraint \`alert_policy_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on update cascade on delete cascade);`);
    this.addSql(`create index \`alert_policy_family_id_index\` on \`alert_policy\` (\`family_id\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`alert_policy\`;`);
  }

}
