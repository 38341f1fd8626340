import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { type FamilyGrant, requireDevice, requireUser } from '../../auth/access.js';
import type { EntityManager } from '../../database/orm.js';
import { AppError, BadUserInputError, ErrorCode, NotFoundError } from '../../graphql/errors.js';
import type { JobAttempt } from '../../jobs/runner.js';
import type { Logger } from '../../observability/logger.js';
import type { EventBus } from '../../realtime/events.js';
import type { Scope } from '../../scope.js';
import { User } from '../account/user.entity.js';
import { AiJob } from '../ai/ai.entities.js';
import { AiJobKind } from '../ai/ai.enums.js';
import { Device } from '../device/device.entity.js';
import { Family } from '../family/family.entity.js';
import { File, FilePurpose, FileStatus } from '../file/file.entity.js';
import { afterCommit } from '../notification/notify.js';
import type { CareSessionConfig } from './care-session.config.js';
import { CareSession, CareSessionTransition } from './care-session.entities.js';
import {
  type CareSessionKind,
  CareSessionReport,
  CareSessionState,
  DeviceCommandKind,
  TransitionActor,
} from './care-session.enums.js';
import type { CareSessionParametersInput, ReportCareSessionInput } from './care-session.inputs.js';
import { isFinal, requireTransition } from './care-session.machine.js';

/** A conflict with its own `extensions.reason`, so a client can tell which one it met. */
export class CareSessionConflictError extends AppError {
  readonly code = ErrorCode.Conflict;
  constructor(reason: 'SESSION_ACTIVE' | 'NO_CAREBOT' | 'CHANGED', message: string) {
    super(message, { code: ErrorCode.Conflict, reason });
  }
}

/** The state each device report moves a session to. */
const REPORTED: Readonly<Record<CareSessionReport, CareSessionState>> = {
  [CareSessionReport.ACCEPTED]: CareSessionState.ACCEPTED,
  [CareSessionReport.REJECTED]: CareSessionState.REJECTED,
  [CareSessionReport.STARTED]: CareSessionState.STARTED,
  [CareSessionReport.PROGRESS]: CareSessionState.STARTED,
  [CareSessionReport.FAILED]: CareSessionState.FAILED,
  [CareSessionReport.RESULT_UPLOADED]: CareSessionState.RESULT_UPLOADED,
  [CareSessionReport.COMPLETED]: CareSessionState.COMPLETED,
  [CareSessionReport.STOPPED]: CareSessionState.STOPPED,
};

/**
 * What the assessment module does with an uploaded result: `prepare` reads, validates and
 * stores the file's normalised copy outside any transaction (throwing BAD_USER_INPUT with row
 * and column when the table is wrong, before anything is stored about it); the returned `stage`
 * writes the result and queues its scoring inside the transition's transaction.
 */
export interface ResultHandler {
  prepare(
    em: EntityManager,
    session: CareSession,
    file: File,
  ): Promise<(tx: EntityManager) => Promise<void>>;
}

export interface CareSessionServiceDeps {
  events: EventBus;
  jobs: { wake(): void };
  clock: () => Date;
  config: CareSessionConfig;
  logger: Logger;
}

/** A transition to store: the state after, and what came with it. */
interface Step {
  to: CareSessionState;
  actor: TransitionActor;
  progress?: number | null;
  reason?: string | null;
  command?: DeviceCommandKind | null;
  resultFileId?: string;
}

/**
 * Care sessions: a family member commands the family's Carebot, the Carebot reports, the
 * watchdog job ends sessions nobody answers. Every change goes through {@link apply}: checked
 * against the state machine, guarded by the version read with it, stored with its transition
 * row, announced after commit.
 */
export class CareSessionService {
  private resultHandler: ResultHandler | undefined;

  constructor(private readonly deps: CareSessionServiceDeps) {}

  /** Set by the assessment module: what happens to an uploaded result file. */
  onResult(handler: ResultHandler): void {
    this.resultHandler = handler;
  }

  /** Starts a session on the family's confirmed Carebot and sends it the command. */
  async start(
    ctx: Scope,
    grant: FamilyGrant<'VIEW'>,
    kind: CareSessionKind,
    parameters: CareSessionParametersInput | null | undefined,
  ): Promise<CareSession> {
    const viewer = requireUser(ctx.viewer);
    const device = await ctx.em.findOne(
      Device,
      { family: grant.familyId, confirmedAt: { $ne: null }, revokedAt: null },
      { orderBy: { lastSeenAt: 'desc', id: 'desc' }, fields: ['id'] },
    );
    if (device === null)
      throw new CareSessionConflictError(
        'NO_CAREBOT',
        'The family has no confirmed Carebot to run a care session.',
      );
    const now = this.deps.clock();
    try {
      return await ctx.em.transactional(async (tx) => {
        const session = tx.create(CareSession, {
          family: tx.getReference(Family, grant.familyId),
          device: tx.getReference(Device, device.id),
          requestedBy: tx.getReference(User, viewer.userId),
          kind,
          parameters: {
            durationMinutes: parameters?.durationMinutes ?? null,
            note: parameters?.note ?? null,
          },
          activeDevice: device.id,
          createdAt: now,
          updatedAt: now,
        });
        // the unique index on activeDevice refuses a second running session here
        await tx.flush();
        const transition = tx.create(CareSessionTransition, {
          session,
          device: tx.getReference(Device, device.id),
          state: CareSessionState.REQUESTED,
          actor: TransitionActor.USER,
          command: DeviceCommandKind.START_SESSION,
          at: now,
        });
        this.queueWatchdog(tx, session, new Date(now.getTime() + this.deps.config.acceptTimeoutMs));
        await tx.flush();
        this.announce(tx, session, transition);
        return session;
      });
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException)
        throw new CareSessionConflictError(
          'SESSION_ACTIVE',
          'A care session is already running on this Carebot: stop it or wait until it ends.',
        );
      throw error;
    }
  }

  /** Asks the Carebot to stop (or cancels a session it has not accepted yet). */
  async stop(ctx: Scope, grant: FamilyGrant<'VIEW'>, sessionId: number): Promise<CareSession> {
    requireUser(ctx.viewer);
    const session = await this.find(ctx.em, sessionId, grant.familyId);
    const to =
      session.state === CareSessionState.REQUESTED
        ? CareSessionState.STOPPED
        : CareSessionState.STOP_REQUESTED;
    return this.apply(ctx.em, session, {
      to,
      actor: TransitionActor.USER,
      command: DeviceCommandKind.STOP_SESSION,
    });
  }

  /** A report of the Carebot running the session. */
  async report(ctx: Scope, input: ReportCareSessionInput): Promise<CareSession> {
    const device = requireDevice(ctx.viewer);
    const id = Number(input.sessionId);
    const session = await ctx.em.findOne(CareSession, {
      id: Number.isSafeInteger(id) ? id : 0,
      device: device.deviceId,
    });
    if (session === null) throw new NotFoundError('CareSession', input.sessionId);
    const to = REPORTED[input.event];
    requireTransition(session.state, to);
    const needsReason =
      input.event === CareSessionReport.REJECTED || input.event === CareSessionReport.FAILED;
    if (needsReason && (input.reason == null || input.reason.trim() === ''))
      throw BadUserInputError.field('input.reason', `is required with ${input.event}`);
    if (input.event === CareSessionReport.PROGRESS && input.progress == null)
      throw BadUserInputError.field('input.progress', 'is required with PROGRESS');
    const step: Step = {
      to,
      actor: TransitionActor.DEVICE,
      progress: input.progress ?? null,
      reason: input.reason ?? null,
    };
    if (input.event !== CareSessionReport.RESULT_UPLOADED) return this.apply(ctx.em, session, step);
    if (input.fileId == null)
      throw BadUserInputError.field('input.fileId', 'is required with RESULT_UPLOADED');
    const file = await ctx.em.findOne(File, {
      id: input.fileId,
      family: session.family.id,
      purpose: FilePurpose.ASSESSMENT_CSV,
      status: FileStatus.READY,
    });
    if (file === null)
      throw BadUserInputError.field(
        'input.fileId',
        'must be a verified ASSESSMENT_CSV upload of this family',
      );
    const stage = await this.resultHandler?.prepare(ctx.em, session, file);
    file.referencedAt = this.deps.clock();
    return this.apply(ctx.em, session, { ...step, resultFileId: file.id }, stage);
  }

  /** A session of the family (NOT_FOUND for another family's, as if it did not exist). */
  async find(em: EntityManager, sessionId: number, familyId: number): Promise<CareSession> {
    const session = await em.findOne(CareSession, { id: sessionId, family: familyId });
    if (session === null) throw new NotFoundError('CareSession', sessionId);
    return session;
  }

  /**
   * The watchdog job: a session still REQUESTED after the accept timeout is NO_RESPONSE, a
   * running one without a report for the progress timeout is TIMED_OUT; otherwise the job queues
   * itself again for the session's next deadline. One watchdog per session at a time.
   */
  async watchdog({ job, em, complete, now }: JobAttempt): Promise<void> {
    const sessionId = Number(job.payload['sessionId']);
    const session = await em.findOne(CareSession, { id: sessionId });
    if (session === null || isFinal(session.state)) return;
    const { acceptTimeoutMs, progressTimeoutMs } = this.deps.config;
    const waiting = session.state === CareSessionState.REQUESTED;
    const deadline = waiting
      ? session.createdAt.getTime() + acceptTimeoutMs
      : session.updatedAt.getTime() + progressTimeoutMs;
    if (now().getTime() >= deadline) {
      const to = waiting ? CareSessionState.NO_RESPONSE : CareSessionState.TIMED_OUT;
      const reason = waiting
        ? `The Carebot did not answer within ${acceptTimeoutMs / 1000} s.`
        : `The Carebot reported nothing for ${progressTimeoutMs / 1000} s.`;
      try {
        await this.apply(
          em,
          session,
          { to, actor: TransitionActor.SYSTEM, reason },
          undefined,
          complete,
        );
      } catch (error) {
        // a report landed meanwhile: the next watchdog decides on the new state
        if (!(error instanceof CareSessionConflictError)) throw error;
        await em.transactional(async (tx) => {
          this.queueWatchdog(tx, session, now());
          await complete(tx);
        });
      }
      return;
    }
    await em.transactional(async (tx) => {
      this.queueWatchdog(tx, session, new Date(deadline));
      await complete(tx);
    });
    this.deps.jobs.wake();
  }

  /**
   * Moves a session: checks the state machine, updates the row only if nobody moved it since it
   * was read (version), stores the transition, releases the device when final, and announces it
   * after commit. `stage` writes more in the same transaction (an assessment result).
   */
  private async apply(
    em: EntityManager,
    session: CareSession,
    step: Step,
    stage?: (tx: EntityManager) => Promise<void>,
    complete?: (tx: EntityManager) => Promise<void>,
  ): Promise<CareSession> {
    requireTransition(session.state, step.to);
    const now = this.deps.clock();
    const final = isFinal(step.to);
    const progress =
      step.to === CareSessionState.COMPLETED ? 100 : (step.progress ?? session.progress);
    const changes = {
      state: step.to,
      progress,
      version: session.version + 1,
      updatedAt: now,
      ...(step.reason == null ? {} : { reason: step.reason }),
      ...(step.resultFileId === undefined ? {} : { resultFileId: step.resultFileId }),
      ...(final ? { activeDevice: null, endedAt: now } : {}),
    };
    await em.transactional(async (tx) => {
      const updated = await tx.nativeUpdate(
        CareSession,
        { id: session.id, version: session.version },
        changes,
      );
      if (updated === 0)
        throw new CareSessionConflictError(
          'CHANGED',
          'The care session changed meanwhile: read it again.',
        );
      const transition = tx.create(CareSessionTransition, {
        session: tx.getReference(CareSession, session.id),
        device: tx.getReference(Device, session.device.id),
        from: session.state,
        state: step.to,
        progress: step.progress ?? (step.to === CareSessionState.COMPLETED ? 100 : null),
        reason: step.reason ?? null,
        actor: step.actor,
        command: step.command ?? null,
        at: now,
      });
      await tx.flush();
      if (stage !== undefined) await stage(tx);
      if (complete !== undefined) await complete(tx);
      this.announce(tx, session, transition);
    });
    em.assign(session, changes);
    this.deps.jobs.wake();
    return session;
  }

  private queueWatchdog(tx: EntityManager, session: CareSession, runAfter: Date): void {
    tx.create(AiJob, {
      family: tx.getReference(Family, session.family.id),
      kind: AiJobKind.CARE_SESSION_WATCHDOG,
      payload: { sessionId: session.id },
      runAfter,
      createdAt: this.deps.clock(),
      updatedAt: this.deps.clock(),
    });
  }

  private announce(tx: EntityManager, session: CareSession, transition: CareSessionTransition) {
    const event = {
      id: transition.id,
      sessionId: session.id,
      familyId: session.family.id,
      deviceId: session.device.id,
      command: transition.command !== null,
    };
    afterCommit(tx, () => this.deps.events.careSessionUpdated(event));
  }
}
