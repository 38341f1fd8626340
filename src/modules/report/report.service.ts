import {
  type EntityClass,
  ForeignKeyConstraintViolationException,
  type LoggingOptions,
  type QueryResult,
  UniqueConstraintViolationException,
} from '@mikro-orm/core';
import { requireDevice } from '../../auth/access.js';
import type { Orm } from '../../database/orm.js';
import type { EventBus } from '../../realtime/events.js';
import type { Scope } from '../../scope.js';
import type { FileService } from '../file/file.service.js';
import type { EntityManager } from '../../database/orm.js';
import {
  BadUserInputError,
  ConflictError,
  NotFoundError,
  UnauthenticatedError,
} from '../../graphql/errors.js';
import { Family } from '../family/family.entity.js';
import { FilePurpose } from '../file/file.entity.js';
import { type Notification } from '../notification/notification.entity.js';
import { stageNotifications } from '../notification/notify.js';
import { CarebotSettings } from '../settings/settings.entity.js';
import { thresholdsOf } from '../settings/settings.service.js';
import type { CarebotThresholds } from '../settings/settings.types.js';
import { activityAlerts, type Alert, healthAlerts, homeAlerts } from './report.alerts.js';
import {
  Activity,
  HealthStatus,
  HomeStatus,
  MentalReport,
  MentalStatus,
} from './report.entities.js';
import { StatusKind } from './report.enums.js';
import {
  type ActivityInput,
  BATCH_MAX,
  type HealthStatusInput,
  type HomeStatusInput,
  MEASURED_AT_WINDOW,
  type MentalReportInput,
  type MentalStatusInput,
  type ReportBatchInput,
} from './report.inputs.js';

/**
 * The values of one reading as the device sent them (without family, ids and timestamps the
 * server sets). `measuredAt` null: the device sent none, the server's receive time is stored.
 */
type Row = Record<string, unknown> & { reportId: string | null };

/** How one kind of reading is stored, compared for idempotent retries, and checked for alerts. */
interface KindSpec<E extends { id: number; reportId: string | null }> {
  entity: EntityClass<E>;
  label: string;
  /** Validates what class-validator cannot (cross-field rules, times against the clock). */
  row(input: never, path: string, now: Date): Row;
  alerts(row: Row, thresholds: CarebotThresholds): Alert[];
}

/** Any kind's spec, for code that handles every kind alike (the batch). */
type AnySpec = KindSpec<{ id: number; reportId: string | null }>;

/** One kind's validated batch readings: those without a reportId, and the rest by reportId. */
interface PlannedKind {
  spec: AnySpec;
  fresh: Row[];
  byReportId: ReadonlyMap<string, Row>;
}

/**
 * How often a batch is tried when its reportIds meet stored ones at the unique index. The first
 * attempt looks nothing up (a buffer is usually sent once); each failed one means some of these
 * readings are stored (earlier, or by a concurrent upload), and the next looks them up: a resent
 * buffer settles on the second attempt, concurrent uploads of one buffer on the third.
 */
const BATCH_ATTEMPTS = 5;

const sameTime = (a: unknown, b: unknown) =>
  a instanceof Date && b instanceof Date && a.getTime() === b.getTime();

/**
 * True when a stored reading carries exactly the values of a retried one. A time the server
 * assigned (a `measuredAt` the device left out) is no part of the content: a device without a
 * clock retries with none, and the retry is the same reading.
 */
function sameContent(stored: Record<string, unknown>, row: Row): boolean {
  return Object.entries(row).every(([key, value]) => {
    const have = stored[key];
    if (key === 'measuredAt' && (value === null || have === null)) return true;
    if (value instanceof Date) return sameTime(have, value);
    if (Array.isArray(value)) return JSON.stringify(have) === JSON.stringify(value);
    return (have ?? null) === (value ?? null);
  });
}

/** A value the platform escapes as the query builder would (nothing to convert by type). */
const isBindable = (value: unknown) =>
  value === null ||
  typeof value === 'number' ||
  typeof value === 'string' ||
  typeof value === 'boolean' ||
  value instanceof Date;

/**
 * The most bound parameters one statement takes: SQLite's default limit (32,766; MariaDB's is
 * 65,535). MikroORM inlines them today, but a statement that would break either limit if sent
 * as bound parameters is split.
 */
const MAX_BOUND_PARAMETERS = 32_766;

const sameKeys = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((key, i) => key === b[i]);

/** SPEC §2: a `measuredAt` the device sent lies within [now − 7 days, now + 5 minutes]. */
function measuredAt(value: Date | null | undefined, path: string, now: Date): Date | null {
  if (value === null || value === undefined) return null;
  const at = value.getTime();
  if (
    Number.isNaN(at) ||
    at < now.getTime() - MEASURED_AT_WINDOW.pastMs ||
    at > now.getTime() + MEASURED_AT_WINDOW.futureMs
  )
    throw BadUserInputError.field(
      `${path}.measuredAt`,
      'must be within the last 7 days (and at most 5 minutes ahead)',
    );
  return value;
}

const HOME: KindSpec<HomeStatus> = {
  entity: HomeStatus,
  label: 'home status',
  row: (input: HomeStatusInput, path, now) => ({
    temperature: input.temperature,
    humidity: input.humidity,
    dustDensity: input.dustDensity,
    gasLevel: input.gasLevel,
    measuredAt: measuredAt(input.measuredAt, path, now),
    reportId: input.reportId ?? null,
  }),
  alerts: (row, t) => homeAlerts(row as unknown as HomeStatus, t),
};

const HEALTH: KindSpec<HealthStatus> = {
  entity: HealthStatus,
  label: 'health status',
  row: (input: HealthStatusInput, path, now) => {
    const values = {
      heartRate: input.heartRate ?? null,
      bloodOxygen: input.bloodOxygen ?? null,
      bodyTemperature: input.bodyTemperature ?? null,
      systolic: input.systolic ?? null,
      diastolic: input.diastolic ?? null,
    };
    if (Object.values(values).every((value) => value === null)) {
      throw BadUserInputError.field(path, 'must hold at least one measurement');
    }
    if (
      values.systolic !== null &&
      values.diastolic !== null &&
      values.diastolic >= values.systolic
    ) {
      throw BadUserInputError.field(`${path}.diastolic`, 'must be below systolic');
    }
    return {
      ...values,
      measuredAt: measuredAt(input.measuredAt, path, now),
      reportId: input.reportId ?? null,
    };
  },
  alerts: (row, t) => healthAlerts(row as unknown as HealthStatus, t),
};

const ACTIVITY: KindSpec<Activity> = {
  entity: Activity,
  label: 'activity',
  row: (input: ActivityInput, path, now) => ({
    action: input.action,
    score: input.score ?? null,
    imageId: input.imageId ?? null,
    measuredAt: measuredAt(input.measuredAt, path, now),
    reportId: input.reportId ?? null,
  }),
  alerts: (row) => activityAlerts(row as unknown as Activity),
};

const MENTAL: KindSpec<MentalStatus> = {
  entity: MentalStatus,
  label: 'mental status',
  row: (input: MentalStatusInput, path, now) => ({
    emotion: input.emotion,
    ...{
      joy: input.scores.joy,
      sadness: input.scores.sadness,
      anger: input.scores.anger,
      anxiety: input.scores.anxiety,
      neutral: input.scores.neutral,
    },
    source: input.source,
    measuredAt: measuredAt(input.measuredAt, path, now),
    reportId: input.reportId ?? null,
  }),
  alerts: () => [],
};

const MENTAL_REPORT: KindSpec<MentalReport> = {
  entity: MentalReport,
  label: 'mental report',
  row: (input: MentalReportInput, path, now) => {
    if (input.periodEnd.getTime() <= input.periodStart.getTime()) {
      throw BadUserInputError.field(`${path}.periodEnd`, 'must be after periodStart');
    }
    if (input.periodEnd.getTime() > now.getTime() + MEASURED_AT_WINDOW.futureMs) {
      throw BadUserInputError.field(`${path}.periodEnd`, 'must not be in the future');
    }
    return {
      periodStart: input.periodStart,
      periodEnd: input.periodEnd,
      summary: input.summary,
      riskLevel: input.riskLevel,
      recommendations: input.recommendations,
      reportId: input.reportId ?? null,
    };
  },
  alerts: () => [],
};

const STATUS_ENTITY = {
  [StatusKind.HOME]: HomeStatus,
  [StatusKind.HEALTH]: HealthStatus,
  [StatusKind.ACTIVITY]: Activity,
  [StatusKind.MENTAL]: MentalStatus,
} as const;

export interface BatchResult {
  stored: number;
  duplicates: number;
  notificationsRaised: number;
}

/** What is stored for a reading: the device's values, with the receive time for a missing `measuredAt`. */
function storedValues(row: Row, now: Date): Row {
  return 'measuredAt' in row && row['measuredAt'] === null ? { ...row, measuredAt: now } : row;
}

/**
 * How long a family's thresholds are trusted without hearing of a change: the bound on how late
 * another API process applies a settings change when the pub/sub invalidation never reached it.
 */
export const THRESHOLDS_CACHE_TTL_MS = 10_000;

/** At most this many families' thresholds are cached; the oldest entry goes first. */
const THRESHOLDS_CACHE_MAX = 10_000;

/** Device reports (SPEC §5 "Devices and reports"): idempotent, validated, alert-checked. */
export class ReportService {
  /**
   * Alert thresholds per family, so a report is not preceded by a settings read. Dropped on
   * this process when `updateSettings` commits here (before it answers), on the others when the
   * pub/sub relay delivers the change, at worst after {@link THRESHOLDS_CACHE_TTL_MS}.
   */
  private readonly thresholdsCache = new Map<
    number,
    { thresholds: CarebotThresholds; expiresAt: number }
  >();
  private thresholdsGeneration = 0;

  /** Each kind's single-row INSERT and its row of placeholders (see {@link insertRows}), by entity. */
  private readonly inserts = new Map<unknown, { keys: string[]; sql: string; row: string }>();

  constructor(
    private readonly deps: {
      orm: Orm;
      events: EventBus;
      files: FileService;
      clock: () => Date;
    },
  ) {
    deps.events.onFamilyStateChanged(({ familyId, what }) => {
      // a deleted family (devices, null) takes its settings with it
      if (what === 'devices' && familyId !== null) return;
      this.thresholdsGeneration += 1;
      if (familyId === null) this.thresholdsCache.clear();
      else this.thresholdsCache.delete(familyId);
    });
  }

  reportHome = (ctx: Scope, input: HomeStatusInput) => this.storeOne(ctx, HOME, input as never);
  reportHealth = (ctx: Scope, input: HealthStatusInput) =>
    this.storeOne(ctx, HEALTH, input as never);
  reportActivity = (ctx: Scope, input: ActivityInput) =>
    this.storeOne(ctx, ACTIVITY, input as never);
  reportMental = (ctx: Scope, input: MentalStatusInput) =>
    this.storeOne(ctx, MENTAL, input as never);
  submitMentalReport = (ctx: Scope, input: MentalReportInput) =>
    this.storeOne(ctx, MENTAL_REPORT, input as never);

  /** The family's thresholds; `ctx.em` (a fork made on first use) only when not cached. */
  private async thresholds(ctx: Scope, familyId: number): Promise<CarebotThresholds> {
    const now = Date.now();
    const cached = this.thresholdsCache.get(familyId);
    if (cached !== undefined && cached.expiresAt > now) return cached.thresholds;
    const generation = this.thresholdsGeneration;
    const settings = await ctx.em.findOne(CarebotSettings, { family: familyId });
    if (settings === null) throw new NotFoundError('CarebotSettings', familyId);
    const thresholds = thresholdsOf(settings);
    // a read that overlapped a change may hold the old values: used once, not kept
    if (generation === this.thresholdsGeneration) {
      this.thresholdsCache.delete(familyId);
      if (this.thresholdsCache.size >= THRESHOLDS_CACHE_MAX)
        this.thresholdsCache.delete(this.thresholdsCache.keys().next().value!);
      this.thresholdsCache.set(familyId, {
        thresholds,
        expiresAt: now + THRESHOLDS_CACHE_TTL_MS,
      });
    }
    return thresholds;
  }

  /** The stored reading for a retried `reportId`: the same one, or CONFLICT when its content differs. */
  private async replay<E extends { id: number; reportId: string | null }>(
    em: EntityManager,
    spec: KindSpec<E>,
    familyId: number,
    row: Row,
  ): Promise<E | null> {
    if (row.reportId === null) return null;
    const existing = await em.findOne(spec.entity, {
      family: familyId,
      reportId: row.reportId,
    } as never);
    if (existing === null) return null;
    if (!sameContent(existing, row)) {
      throw new ConflictError(
        `reportId ${row.reportId} was already used for a different ${spec.label}.`,
      );
    }
    return existing;
  }

  /** Stored with the caller's flush and announced after its transaction commits. */
  private createNotifications(
    em: EntityManager,
    familyId: number,
    alerts: Alert[],
  ): Notification[] {
    return stageNotifications(
      em,
      this.deps.events,
      // the Carebot's: its repeats fold into the open alert; timers count from the clock
      alerts.map((alert) => ({ familyId, ...alert, byDevice: true, createdAt: this.deps.clock() })),
    );
  }

  /**
   * One reading. The usual one (no alert, no picture) is a single INSERT in autocommit: the
   * device and the thresholds come from caches, and the unique (family, reportId) index is the
   * idempotency check, so a retry costs its lookup only when it happens. A reading that raises
   * notifications or references a picture is stored with them in one transaction.
   */
  private async storeOne<E extends { id: number; reportId: string | null }>(
    ctx: Scope,
    spec: KindSpec<E>,
    input: never,
  ): Promise<E> {
    const device = requireDevice(ctx.viewer);
    const now = this.deps.clock();
    const row = spec.row(input, 'input', now);
    const values = { ...storedValues(row, now), createdAt: now };
    try {
      const thresholds = await this.thresholds(ctx, device.familyId);
      const alerts = spec.alerts(values, thresholds);
      if (alerts.length === 0 && typeof row['imageId'] !== 'string') {
        // plain values, no entity: the answer needs only the stored values and the new id
        const id = await this.insertRow(ctx, spec, { ...values, family: device.familyId });
        return { ...values, id, family: { id: device.familyId } } as unknown as E;
      }
      return await ctx.em.transactional(async (em) => {
        await this.referenceImage(em, device.familyId, row, 'input.imageId');
        const record = em.create(spec.entity, {
          ...values,
          family: em.getReference(Family, device.familyId),
        } as never);
        this.createNotifications(em, device.familyId, alerts);
        await em.flush();
        return record;
      });
    } catch (error) {
      // a retry (or two at once): the unique (family, reportId) index let the first one through,
      // and nothing of this attempt (notifications, image reference) was kept
      if (error instanceof UniqueConstraintViolationException && row.reportId !== null) {
        const first = await this.replay(this.deps.orm.em.fork(), spec, device.familyId, row);
        if (first !== null) return first;
      }
      throw this.unlessFamilyGone(error, device.familyId);
    }
  }

  /**
   * One reading's row in autocommit: a single-row INSERT of the kind's columns (see
   * {@link insertRows}) on the root entity manager with the request id in its log context, so
   * the usual report needs no fork. The query builder behind `em.insert` rebuilt the same
   * statement from metadata on every report, in a fork made for it. Values other than numbers,
   * strings, booleans, dates and null (a JSON list) take `em.insert`, which converts them by
   * their property types.
   */
  private async insertRow(
    ctx: Scope,
    spec: AnySpec | KindSpec<never>,
    data: Record<string, unknown>,
  ): Promise<number> {
    const keys = Object.keys(data);
    const params = keys.map((key) => data[key]);
    if (!params.every(isBindable)) return ctx.em.insert(spec.entity, data);
    const result = await this.insertRows(this.deps.orm.em, ctx, spec, keys, params, 1);
    return Number(result.insertId);
  }

  /**
   * Rows of one kind as one INSERT (`count` rows of `keys`, their values in `params` row after
   * row), run through MikroORM's `execute` with bound parameters (escaped by the platform as the
   * query builder's are) on `em`, in its transaction if it has one. The statement's text is built
   * once per kind from the entity's metadata; a batch repeats its row of placeholders. The query
   * builder behind `em.insertMany` built the same statement, but converted, checked and escaped
   * each of a batch's values through its property metadata first (a fifth of a batch's time).
   */
  private async insertRows(
    em: EntityManager,
    ctx: Scope,
    spec: AnySpec | KindSpec<never>,
    keys: readonly string[],
    params: unknown[],
    count: number,
  ): Promise<QueryResult> {
    let prepared = this.inserts.get(spec.entity);
    if (prepared === undefined || !sameKeys(prepared.keys, keys)) {
      const meta = em.getMetadata().get(spec.entity);
      const platform = em.getPlatform();
      const columns = keys.map((key) => {
        const field = (meta.properties as Record<string, { fieldNames: string[] } | undefined>)[key]
          ?.fieldNames[0];
        if (field === undefined) throw new Error(`${meta.className} has no column for ${key}`);
        return platform.quoteIdentifier(field);
      });
      const row = `(${keys.map(() => '?').join(', ')})`;
      prepared = {
        keys: [...keys],
        sql: `insert into ${platform.quoteIdentifier(meta.tableName)} (${columns.join(', ')}) values ${row}`,
        row,
      };
      this.inserts.set(spec.entity, prepared);
    }
    const sql = count === 1 ? prepared.sql : prepared.sql + `, ${prepared.row}`.repeat(count - 1);
    // the operation's request id tags the statement in the query log, as its fork's would
    return em.execute<QueryResult>(sql, params, 'run', {
      requestId: ctx.requestId,
    } as LoggingOptions);
  }

  /**
   * `error`, unless it says the family is gone: deleted after this process cached its device
   * (the device went with it), which is answered like any unknown device.
   */
  private unlessFamilyGone(error: unknown, familyId: number): unknown {
    if (!(error instanceof ForeignKeyConstraintViolationException)) return error;
    this.deps.events.devicesChanged(familyId);
    return new UnauthenticatedError('This device is no longer registered.');
  }

  /** An activity's snapshot must be a verified ACTIVITY_IMAGE of the family; marks it used. */
  private async referenceImage(
    em: EntityManager,
    familyId: number,
    row: Row,
    field: string,
  ): Promise<void> {
    const fileId = row['imageId'];
    if (typeof fileId !== 'string') return;
    await this.deps.files.reference(em, {
      fileId,
      familyId,
      purpose: FilePurpose.ACTIVITY_IMAGE,
      field,
    });
  }

  /** Up to 1,000 readings in one transaction, all or nothing; retried readings count as duplicates. */
  async reportBatch(ctx: Scope, input: ReportBatchInput): Promise<BatchResult> {
    const device = requireDevice(ctx.viewer);
    const now = this.deps.clock();
    const groups = [
      {
        spec: HOME as AnySpec,
        inputs: input.home ?? [],
        path: 'input.home',
      },
      {
        spec: HEALTH as AnySpec,
        inputs: input.health ?? [],
        path: 'input.health',
      },
      {
        spec: ACTIVITY as AnySpec,
        inputs: input.activities ?? [],
        path: 'input.activities',
      },
      {
        spec: MENTAL as AnySpec,
        inputs: input.mental ?? [],
        path: 'input.mental',
      },
    ];
    const total = groups.reduce((sum, group) => sum + group.inputs.length, 0);
    if (total > BATCH_MAX)
      throw BadUserInputError.field(
        'input',
        `must hold at most ${BATCH_MAX} readings (got ${total})`,
      );
    if (total === 0) return { stored: 0, duplicates: 0, notificationsRaised: 0 };

    // validation first and once: a bad reading is BAD_USER_INPUT before any query
    let inBatchDuplicates = 0;
    const planned: PlannedKind[] = [];
    for (const { spec, inputs, path } of groups) {
      const rows = inputs.map((reading, index) =>
        spec.row(reading as never, `${path}.${index}`, now),
      );
      const byReportId = new Map<string, Row>();
      const fresh: Row[] = [];
      for (const row of rows) {
        if (row.reportId === null) {
          fresh.push(row);
          continue;
        }
        const seen = byReportId.get(row.reportId);
        if (seen !== undefined) {
          if (!sameContent(seen, row))
            throw new ConflictError(
              `reportId ${row.reportId} appears twice with different content.`,
            );
          inBatchDuplicates += 1;
          continue;
        }
        byReportId.set(row.reportId, row);
      }
      planned.push({ spec, fresh, byReportId });
    }

    for (let attempt = 1; ; attempt += 1) {
      try {
        // the first attempt assumes the readings are new (a buffer is sent once, usually): the
        // unique index says otherwise, and later attempts look up what is already stored
        const result = await this.storeBatch(ctx, device.familyId, planned, {
          activities: input.activities ?? [],
          now,
          lookUpStored: attempt > 1,
        });
        return { ...result, duplicates: result.duplicates + inBatchDuplicates };
      } catch (error) {
        // stored earlier, or by another upload of the same buffer (a device retrying before the
        // first answer came) between our lookup and our insert; the whole batch rolled back
        if (error instanceof UniqueConstraintViolationException && attempt < BATCH_ATTEMPTS)
          continue;
        throw this.unlessFamilyGone(error, device.familyId);
      }
    }
  }

  /** One all-or-nothing attempt at storing a validated batch: readings already stored are skipped. */
  private async storeBatch(
    ctx: Scope,
    familyId: number,
    planned: readonly PlannedKind[],
    options: { activities: ActivityInput[]; now: Date; lookUpStored: boolean },
  ): Promise<BatchResult> {
    const { activities, now, lookUpStored } = options;
    let duplicates = 0;
    const toStore: { spec: AnySpec; rows: Row[] }[] = [];
    for (const kind of planned) {
      const { spec, fresh } = kind;
      const byReportId = new Map(kind.byReportId);
      // one query per kind finds every reading already stored by an earlier attempt
      const existing =
        !lookUpStored || byReportId.size === 0
          ? []
          : await ctx.em.find(spec.entity, {
              family: familyId,
              reportId: { $in: [...byReportId.keys()] },
            } as never);
      for (const stored of existing) {
        const row = byReportId.get(stored.reportId!)!;
        if (!sameContent(stored, row)) {
          throw new ConflictError(
            `reportId ${stored.reportId} was already used for a different ${spec.label}.`,
          );
        }
        byReportId.delete(stored.reportId!);
        duplicates += 1;
      }
      // in reportId order: overlapping uploads take the unique index's locks in one order
      const retried = [...byReportId.values()].sort((a, b) =>
        a.reportId! < b.reportId! ? -1 : a.reportId! > b.reportId! ? 1 : 0,
      );
      const rows = [...fresh, ...retried];
      if (rows.length > 0) toStore.push({ spec, rows });
    }

    const thresholds = await this.thresholds(ctx, familyId);
    const alerts = toStore.flatMap(({ spec, rows }) =>
      rows.flatMap((row) => spec.alerts(storedValues(row, now), thresholds)),
    );
    const images = activities.some((activity) => typeof activity.imageId === 'string');
    // one multi-row INSERT per kind (see insertMany), without entities: a unit of work for 1,000
    // readings costs more than the statement
    const insert = async (em: EntityManager) => {
      let count = 0;
      for (const { spec, rows } of toStore) {
        await this.insertMany(em, ctx, spec, rows, { createdAt: now, family: familyId }, now);
        count += rows.length;
      }
      return count;
    };
    // a single INSERT is all or nothing by itself; more statements share a transaction
    if (toStore.length <= 1 && alerts.length === 0 && !images)
      return { stored: await insert(this.deps.orm.em), duplicates, notificationsRaised: 0 };
    const stored = await ctx.em.transactional(async (em) => {
      for (const [index, activity] of activities.entries()) {
        await this.referenceImage(
          em,
          familyId,
          { imageId: activity.imageId ?? null, reportId: null },
          `input.activities.${index}.imageId`,
        );
      }
      const count = await insert(em);
      this.createNotifications(em, familyId, alerts);
      await em.flush();
      return count;
    });
    // a rolled-back attempt announces nothing: stageNotifications publishes on commit only
    return { stored, duplicates, notificationsRaised: alerts.length };
  }

  /**
   * A kind's validated readings, each with `extra` columns, in as few multi-row INSERTs as the
   * placeholder limit allows ({@link insertRows}). A kind's readings share their keys (one
   * `spec.row` made them; `extra` in the order a single report adds them, so both use one cached
   * statement); values other than plain ones take `em.insertMany`.
   */
  private async insertMany(
    em: EntityManager,
    ctx: Scope,
    spec: AnySpec,
    rows: readonly Row[],
    extra: Record<string, unknown>,
    now: Date,
  ): Promise<void> {
    const records = rows.map((row) => ({ ...storedValues(row, now), ...extra }));
    const keys = Object.keys(records[0]!);
    const params: unknown[] = [];
    for (const record of records) for (const key of keys) params.push(record[key]);
    if (
      !params.every(isBindable) ||
      records.some((record) => !sameKeys(Object.keys(record), keys))
    ) {
      await em.insertMany(spec.entity, records);
      return;
    }
    const perStatement = Math.max(1, Math.floor(MAX_BOUND_PARAMETERS / keys.length));
    for (let first = 0; first < records.length; first += perStatement) {
      const count = Math.min(perStatement, records.length - first);
      const chunk =
        count === records.length
          ? params
          : params.slice(first * keys.length, (first + count) * keys.length);
      await this.insertRows(em, ctx, spec, keys, chunk, count);
    }
  }

  /** Deletes the newest reading (by measuredAt) of a kind (SPEC: device correction). */
  async deleteLatest(ctx: Scope, kind: StatusKind): Promise<boolean> {
    const device = requireDevice(ctx.viewer);
    const entity = STATUS_ENTITY[kind] as EntityClass<{ id: number }>;
    const latest = await ctx.em.findOne(entity, { family: device.familyId } as never, {
      orderBy: { measuredAt: 'desc', id: 'desc' } as never,
    });
    if (latest === null) return false;
    await ctx.em.nativeDelete(entity, { id: latest.id });
    return true;
  }
}
