import { Migration } from '@mikro-orm/migrations';

export class Migration20261130162417_device_confirmation extends Migration {

  override name = 'Migration20261130162417_device_confirmation';

  override up(): void | Promise<void> {
    this.addSql(`alter table \`device\` add \`registered_by_id\` int unsigned null, add \`confirmed_at\` datetime(3) null;`);
    this.addSql(`alter table \`device\` add constraint \`device_registered_by_id_foreign\` foreign key (\`registered_by_id\`) references \`user\` (\`id\`) on delete set null;`);
    this.addSql(`alter table \`device\` add index \`device_registered_by_id_index\` (\`registered_by_id\`);`);
    // devices registered before confirmation existed keep working as they did
    this.addSql(`update \`device\` set \`confirmed_at\` = \`created_at\`;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table \`device\` drop foreign key \`device_registered_by_id_foreign\`;`);

    this.addSql(`alter table \`device\` drop index \`device_registered_by_id_index\`;`);
    this.addSql(`alter table \`device\` drop column \`registered_by_id\`, drop column \`confirmed_at\`;`);
  }

}
