import { Migration } from '@mikro-orm/migrations';

export class Migration20261124233400_file_reference_indexes extends Migration {

  override name = 'Migration20261124233400_file_reference_indexes';

  override up(): void | Promise<void> {
    this.addSql(`create index \`user_avatar_id_index\` on \`user\` (\`avatar_id\`);`);

    this.addSql(`create index \`notification_image_id_index\` on \`notification\` (\`image_id\`);`);

    this.addSql(`create index \`family_background_file_id_index\` on \`family_background\` (\`file_id\`);`);

    this.addSql(`create index \`message_image_id_index\` on \`message\` (\`image_id\`);`);

    this.addSql(`create index \`activity_image_id_index\` on \`activity\` (\`image_id\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index \`activity_image_id_index\`;`);

    this.addSql(`drop index \`family_background_file_id_index\`;`);

    this.addSql(`drop index \`message_image_id_index\`;`);

    this.addSql(`drop index \`notification_image_id_index\`;`);

    this.addSql(`drop index \`user_avatar_id_index\`;`);
  }

}
