import { Migration } from '@mikro-orm/migrations';

export class Migration20261124233412_file_reference_indexes extends Migration {

  override name = 'Migration20261124233412_file_reference_indexes';

  override up(): void | Promise<void> {
    this.addSql(`alter table \`user\` add index \`user_avatar_id_index\` (\`avatar_id\`);`);

    this.addSql(`alter table \`notification\` add index \`notification_image_id_index\` (\`image_id\`);`);

    this.addSql(`alter table \`family_background\` add index \`family_background_file_id_index\` (\`file_id\`);`);

    this.addSql(`alter table \`message\` add index \`message_image_id_index\` (\`image_id\`);`);

    this.addSql(`alter table \`activity\` add index \`activity_image_id_index\` (\`image_id\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table \`activity\` drop index \`activity_image_id_index\`;`);

    this.addSql(`alter table \`family_background\` drop index \`family_background_file_id_index\`;`);

    this.addSql(`alter table \`message\` drop index \`message_image_id_index\`;`);

    this.addSql(`alter table \`notification\` drop index \`notification_image_id_index\`;`);

    this.addSql(`alter table \`user\` drop index \`user_avatar_id_index\`;`);
  }

}
