import { Migration } from '@mikro-orm/migrations';

export class Migration20261130162353_device_confirmation extends Migration {

  override name = 'Migration20261130162353_device_confirmation';

  override up(): void | Promise<void> {
    this.addSql(`alter table \`device\` add column \`registered_by_id\` integer null constraint \`device_registered_by_id_foreign\` references \`user\` (\`id\`) on delete set null;`);
    this.addSql(`alter table \`device\` add column \`confirmed_at\` datetime null;`);
    this.addSql(`create index \`device_registered_by_id_index\` on \`device\` (\`registered_by_id\`);`);
    // devices registered before confirmation existed keep working as they did
    this.addSql(`update \`device\` set \`confirmed_at\` = \`created_at\`;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index \`device_registered_by_id_index\`;`);
    this.addSql(`alter table \`device\` drop column \`registered_by_id\`;`);
    this.addSql(`alter table \`device\` drop column \`confirmed_at\`;`);
  }

}
