import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/**
 * Korean administrative regions with legal-dong codes: provinces (2 digits, no parent) and
 * municipalities (5 digits). Filled from regions.data.json by {@link syncRegions}.
 */
@Entity({ tableName: 'region' })
@Index({ properties: ['parentCode'] })
export class Region {
  @PrimaryKey({ type: 'string', length: 5, autoincrement: false })
  code!: string;

  @Property({ length: 30 })
  name!: string;

  @Property({ length: 2, nullable: true })
  parentCode: string | null = null;
}
