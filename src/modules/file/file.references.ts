import {
  type EntityMetadata,
  type EntityProperty,
  type FilterQuery,
  type MetadataStorage,
  type Platform,
  raw,
  ReferenceKind,
} from '@mikro-orm/core';
import { BaseMySqlPlatform } from '@mikro-orm/sql';
import { File } from './file.entity.js';

/**
 * Records hold their files by foreign keys to `file.id`: a `@ManyToOne(() => File, { mapToPk:
 * true, fieldName })` property keeps the plain id string on the entity (and in the GraphQL type)
 * while the database guarantees it names a real file. Each picks its delete rule: SET NULL for a
 * picture a record can live without, CASCADE for a record that is nothing but its picture (a
 * family background). Not RESTRICT: a file also goes with its owner (family or user) in the same
 * cascade that takes the records pointing at it, and MariaDB checks RESTRICT row by row within
 * that cascade (deleting a user whose avatar is their own file fails). What keeps a referenced
 * file alive is the sweep's query instead: it never releases or purges a file any foreign key
 * still points at ({@link unreferenced}).
 */

/** One column that points at files: the entity and the relation property holding the id. */
export interface FileReference {
  entity: EntityMetadata;
  property: EntityProperty;
}

/**
 * Every relation to File in the ORM's metadata: a new file-bearing entity is covered by the
 * release sweep and the orphan purge as soon as it declares its relation, with no list to extend.
 */
export function fileReferences(metadata: MetadataStorage): FileReference[] {
  const references: FileReference[] = [];
  for (const entity of metadata.getAll().values()) {
    if (entity.embeddable || entity.virtual) continue;
    for (const property of entity.relations) {
      const owning =
        property.kind === ReferenceKind.MANY_TO_ONE ||
        (property.kind === ReferenceKind.ONE_TO_ONE && property.owner);
      if (owning && property.targetMeta?.class === File) references.push({ entity, property });
    }
  }
  return references;
}

/**
 * A File filter: no record points at the file. One `id not in (…)` per {@link fileReferences}
 * column, each answered by that column's index; the database compares the ids exactly as its
 * foreign keys do. A subquery of ids rather than `not exists` with the outer row's alias: the
 * same filter serves selects, updates and deletes, which alias the table differently.
 */
export function unreferenced(
  metadata: MetadataStorage,
  platform: Platform,
): { $and: FilterQuery<File>[] } {
  const q = (identifier: string) => platform.quoteIdentifier(identifier);
  return {
    $and: fileReferences(metadata).map(({ entity, property }) => {
      const column = q(property.fieldNames[0]!);
      return {
        id: {
          $nin: raw(`select ${column} from ${q(entity.tableName)} where ${column} is not null`),
        },
      };
    }),
  };
}

/** The binary collation of file ids on MariaDB. */
const FILE_ID_COLLATION = 'utf8mb4_bin';

/**
 * `afterDiscovered` hook: on MariaDB, `file.id` and every column referencing it compare in binary
 * collation (the default utf8mb4_unicode_ci would take an upper-cased id for the real one, where
 * SQLite would not). Both sides of a foreign key need the same collation. SQLite's text columns
 * are binary already.
 */
export function collateFileIds(metadata: MetadataStorage, platform: Platform): void {
  if (!(platform instanceof BaseMySqlPlatform)) return;
  metadata.find(File)!.properties.id.collation = FILE_ID_COLLATION;
  for (const { property } of fileReferences(metadata)) property.collation = FILE_ID_COLLATION;
}
