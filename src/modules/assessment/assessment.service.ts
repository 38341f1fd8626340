import type { FamilyGrant } from '../../auth/access.js';
import type { EntityManager } from '../../database/orm.js';
import { BadUserInputError, ConflictError } from '../../graphql/errors.js';
import {
  isPermanentFailure,
  JOB_MAX_ATTEMPTS,
  type JobAttempt,
  PermanentJobError,
} from '../../jobs/runner.js';
import type { Logger } from '../../observability/logger.js';
import type { EventBus } from '../../realtime/events.js';
import type { Scope } from '../../scope.js';
import { AiJob } from '../ai/ai.entities.js';
import { AiJobKind } from '../ai/ai.enums.js';
import type { CareSessionConfig } from '../care-session/care-session.config.js';
import { CareSession } from '../care-session/care-session.entities.js';
import type { CareSessionService } from '../care-session/care-session.service.js';
import { Family } from '../family/family.entity.js';
import { File, FilePurpose, FileStatus } from '../file/file.entity.js';
import { newFileId } from '../file/file.id.js';
import type { FileStorage } from '../file/file.storage.js';
import { NotificationGrade, NotificationKind } from '../notification/notification.enums.js';
import { notify } from '../notification/notify.js';
import { linearScore, validateTable } from './assessment.csv.js';
import {
  AssessmentBand,
  AssessmentResult,
  AssessmentStatus,
  ScoringModel,
} from './assessment.entities.js';

/** How a family's scores move: the least-squares slope of score over time. */
export interface AssessmentTrend {
  /** Score change per day (null with fewer than two scored results). */
  slopePerDay: number | null;
  direction: 'RISING' | 'FALLING' | 'STABLE' | 'UNKNOWN';
}

/** A slope smaller than this (score points per day) is STABLE. */
const STABLE_SLOPE = 0.01;

/** The trend of scores taken at the given times (a least-squares line through them). */
export function trendOf(points: readonly { at: Date; score: number }[]): AssessmentTrend {
  if (points.length < 2) return { slopePerDay: null, direction: 'UNKNOWN' };
  const xs = points.map((point) => point.at.getTime() / 86_400_000);
  const meanX = xs.reduce((a, b) => a + b, 0) / xs.length;
  const meanY = points.reduce((a, point) => a + point.score, 0) / points.length;
  let num = 0;
  let den = 0;
  for (const [i, point] of points.entries()) {
    num += (xs[i]! - meanX) * (point.score - meanY);
    den += (xs[i]! - meanX) ** 2;
  }
  if (den === 0) return { slopePerDay: null, direction: 'UNKNOWN' };
  const slopePerDay = num / den;
  return {
    slopePerDay,
    direction:
      Math.abs(slopePerDay) < STABLE_SLOPE ? 'STABLE' : slopePerDay > 0 ? 'RISING' : 'FALLING',
  };
}

export interface AssessmentServiceDeps {
  careSession: CareSessionService;
  storage: FileStorage;
  events: EventBus;
  jobs: { wake(): void };
  clock: () => Date;
  config: CareSessionConfig;
  logger: Logger;
}

/**
 * Assessment results: a Carebot's uploaded table is validated and normalised when it reports
 * RESULT_UPLOADED (nothing is stored about a bad table), then scored by a durable job with the
 * registered model; a score outside the family's band raises a WARN.
 */
export class AssessmentService {
  constructor(private readonly deps: AssessmentServiceDeps) {
    deps.careSession.onResult({ prepare: (em, session, file) => this.prepare(em, session, file) });
  }

  /** The model new results are scored with: the first available one. */
  private async currentModel(em: EntityManager): Promise<ScoringModel> {
    const model = await em.findOne(ScoringModel, { available: true }, { orderBy: { id: 'asc' } });
    if (model === null) throw new ConflictError('No scoring model is available.');
    return model;
  }

  /**
   * Reads and validates the uploaded table and stores its normalised copy (a file row of its
   * own, unreferenced until the result is staged, so the orphan purge takes it if the report
   * never commits); returns what writes the result and queues its scoring.
   */
  private async prepare(
    em: EntityManager,
    session: CareSession,
    file: File,
  ): Promise<(tx: EntityManager) => Promise<void>> {
    const model = await this.currentModel(em);
    const bytes = await this.deps.storage.read(file.storageKey);
    if (bytes === null) throw BadUserInputError.field('input.fileId', 'has no stored bytes');
    const table = validateTable(bytes.toString('utf8'), model.inputColumns, 'input.fileId');
    const normalised = Buffer.from(table.normalised, 'utf8');
    const id = newFileId();
    await this.deps.storage.write(id, normalised, 'text/csv');
    const fork = em.fork();
    fork.create(File, {
      id,
      family: fork.getReference(Family, session.family.id),
      purpose: FilePurpose.ASSESSMENT_CSV,
      contentType: 'text/csv',
      byteSize: normalised.length,
      status: FileStatus.READY,
      storageKey: id,
      uploadedByDevice: session.device.id,
      createdAt: this.deps.clock(),
    });
    await fork.flush();
    return async (tx) => {
      const now = this.deps.clock();
      const result = tx.create(AssessmentResult, {
        session: tx.getReference(CareSession, session.id),
        family: tx.getReference(Family, session.family.id),
        model: tx.getReference(ScoringModel, model.id),
        inputFileId: file.id,
        normalisedFileId: id,
        rowCount: table.rows.length,
        createdAt: now,
      });
      await tx.flush();
      const job = tx.create(AiJob, {
        family: tx.getReference(Family, session.family.id),
        kind: AiJobKind.ASSESSMENT_SCORE,
        payload: { resultId: result.id },
        runAfter: now,
        createdAt: now,
        updatedAt: now,
      });
      await tx.flush();
      result.jobId = job.id;
      await tx.nativeUpdate(File, { id }, { referencedAt: now });
      await tx.flush();
    };
  }

  /**
   * The scoring job: reads the normalised table, scores it with the result's model, stores the
   * score with the run's times, and warns the family when the score leaves its band. A failure
   * that will not be retried is written to the result too.
   */
  async score(attempt: JobAttempt): Promise<void> {
    const { job, em, complete, now } = attempt;
    const resultId = Number(job.payload['resultId']);
    const result = await em.findOne(AssessmentResult, { id: resultId }, { populate: ['model'] });
    if (result === null || result.status === AssessmentStatus.DONE) return;
    await em.nativeUpdate(
      AssessmentResult,
      { id: resultId },
      { status: AssessmentStatus.RUNNING, startedAt: now(), error: null },
    );
    try {
      const model = result.model.getEntity();
      const source =
        result.normalisedFileId === null
          ? null
          : await em.findOne(File, { id: result.normalisedFileId });
      const bytes = source === null ? null : await this.deps.storage.read(source.storageKey);
      if (bytes === null) throw new PermanentJobError('the normalised table is gone');
      const table = validateTable(bytes.toString('utf8'), model.inputColumns, 'table');
      const score = linearScore(table.rows, model.coefficients, model.intercept);
      if (!Number.isFinite(score)) throw new PermanentJobError('the score is not a number');
      const band = await this.bandOf(em, result.family.id);
      await em.transactional(async (tx) => {
        await tx.nativeUpdate(
          AssessmentResult,
          { id: resultId },
          { status: AssessmentStatus.DONE, score, finishedAt: now(), error: null },
        );
        await complete(tx, resultId);
        if (score < band.low || score > band.high) {
          await notify(tx, this.deps.events, {
            familyId: result.family.id,
            grade: NotificationGrade.WARN,
            kind: NotificationKind.HEALTH,
            message: `Assessment score ${Math.round(score * 100) / 100} is outside the expected band ${band.low}–${band.high}.`,
            dedupeKey: `assessment:${resultId}`,
            createdAt: now(),
          });
        }
      });
    } catch (error) {
      if (isPermanentFailure(error) || attempt.attempt >= JOB_MAX_ATTEMPTS) {
        await em.nativeUpdate(
          AssessmentResult,
          { id: resultId },
          {
            status: AssessmentStatus.FAILED,
            finishedAt: now(),
            error: (error instanceof Error ? error.message : String(error)).slice(0, 500),
          },
        );
      }
      throw error;
    }
  }

  /** The family's band, or the configured default. */
  async bandOf(em: EntityManager, familyId: number): Promise<{ low: number; high: number }> {
    const band = await em.findOne(AssessmentBand, { family: familyId });
    return band ?? this.deps.config.scoreBand;
  }

  /** Sets the family's band (main user, managers). */
  async setBand(
    ctx: Scope,
    grant: FamilyGrant<'MANAGE'>,
    low: number,
    high: number,
  ): Promise<AssessmentBand> {
    if (!Number.isFinite(low)) throw BadUserInputError.field('low', 'must be a finite number');
    if (!Number.isFinite(high)) throw BadUserInputError.field('high', 'must be a finite number');
    if (low > high) throw BadUserInputError.field('low', 'must not be above `high`');
    const em = ctx.em;
    let band = await em.findOne(AssessmentBand, { family: grant.familyId });
    if (band === null)
      band = em.create(AssessmentBand, {
        family: em.getReference(Family, grant.familyId),
        low,
        high,
        updatedAt: this.deps.clock(),
      });
    else em.assign(band, { low, high, updatedAt: this.deps.clock() });
    await em.flush();
    return band;
  }

  /** The family's latest results, newest first. */
  history(em: EntityManager, familyId: number, last: number): Promise<AssessmentResult[]> {
    return em.find(
      AssessmentResult,
      { family: familyId },
      { orderBy: { createdAt: 'desc', id: 'desc' }, limit: last },
    );
  }

  /** The session's result, if one was uploaded. */
  ofSession(em: EntityManager, sessionId: number): Promise<AssessmentResult | null> {
    return em.findOne(AssessmentResult, { session: sessionId });
  }

  /** Models the registry holds, available ones first. */
  models(em: EntityManager): Promise<ScoringModel[]> {
    return em.find(ScoringModel, {}, { orderBy: { available: 'desc', id: 'asc' } });
  }
}
