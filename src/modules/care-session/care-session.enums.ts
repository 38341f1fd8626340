import { registerEnumType } from 'type-graphql';

/** What a care session does on the Carebot. */
export enum CareSessionKind {
  CHECK_IN_CALL = 'CHECK_IN_CALL',
  VITALS_MEASUREMENT = 'VITALS_MEASUREMENT',
  COGNITIVE_ASSESSMENT = 'COGNITIVE_ASSESSMENT',
}
registerEnumType(CareSessionKind, {
  name: 'CareSessionKind',
  description: 'What a care session does on the Carebot.',
  valuesConfig: {
    CHECK_IN_CALL: { description: 'A video or voice check-in call with the elder.' },
    VITALS_MEASUREMENT: { description: 'The Carebot guides the elder through measuring vitals.' },
    COGNITIVE_ASSESSMENT: {
      description: 'A cognitive assessment; the Carebot uploads its result table (CSV).',
    },
  },
});

/** Where a care session stands (see `care-session.machine.ts` for the allowed moves). */
export enum CareSessionState {
  REQUESTED = 'REQUESTED',
  ACCEPTED = 'ACCEPTED',
  STARTED = 'STARTED',
  RESULT_UPLOADED = 'RESULT_UPLOADED',
  STOP_REQUESTED = 'STOP_REQUESTED',
  COMPLETED = 'COMPLETED',
  REJECTED = 'REJECTED',
  FAILED = 'FAILED',
  STOPPED = 'STOPPED',
  NO_RESPONSE = 'NO_RESPONSE',
  TIMED_OUT = 'TIMED_OUT',
}
registerEnumType(CareSessionState, {
  name: 'CareSessionState',
  description: 'Where a care session stands.',
  valuesConfig: {
    REQUESTED: { description: 'Sent to the Carebot; waiting for it to accept.' },
    ACCEPTED: { description: 'The Carebot accepted the command and prepares.' },
    STARTED: { description: 'Running; `progress` says how far.' },
    RESULT_UPLOADED: { description: 'The Carebot attached its result file.' },
    STOP_REQUESTED: { description: 'A caregiver asked the Carebot to stop.' },
    COMPLETED: { description: 'Finished normally (final).' },
    REJECTED: { description: 'The Carebot refused the command; `reason` says why (final).' },
    FAILED: { description: 'The Carebot reported a failure; `reason` says why (final).' },
    STOPPED: { description: 'Stopped at a caregiver’s request (final).' },
    NO_RESPONSE: { description: 'The Carebot did not accept in time (final).' },
    TIMED_OUT: { description: 'The Carebot reported nothing for too long (final).' },
  },
});

/** What a Carebot reports about a session it runs. */
export enum CareSessionReport {
  ACCEPTED = 'ACCEPTED',
  REJECTED = 'REJECTED',
  STARTED = 'STARTED',
  PROGRESS = 'PROGRESS',
  FAILED = 'FAILED',
  RESULT_UPLOADED = 'RESULT_UPLOADED',
  COMPLETED = 'COMPLETED',
  STOPPED = 'STOPPED',
}
registerEnumType(CareSessionReport, {
  name: 'CareSessionReport',
  description: 'What a Carebot reports about a care session it was commanded to run.',
  valuesConfig: {
    ACCEPTED: { description: 'It will run the session.' },
    REJECTED: { description: 'It will not (give a `reason`).' },
    STARTED: { description: 'The session began.' },
    PROGRESS: { description: 'How far it got (`progress`, 0–100); the state stays STARTED.' },
    FAILED: { description: 'It could not finish (give a `reason`).' },
    RESULT_UPLOADED: {
      description: 'The result table is uploaded (`fileId`, a READY ASSESSMENT_CSV file).',
    },
    COMPLETED: { description: 'The session ended normally.' },
    STOPPED: { description: 'It stopped as a caregiver asked.' },
  },
});

/** A command sent to a Carebot. */
export enum DeviceCommandKind {
  START_SESSION = 'START_SESSION',
  STOP_SESSION = 'STOP_SESSION',
}
registerEnumType(DeviceCommandKind, {
  name: 'DeviceCommandKind',
  description: 'A command sent to a Carebot.',
  valuesConfig: {
    START_SESSION: { description: 'Run the care session (answer ACCEPTED or REJECTED).' },
    STOP_SESSION: { description: 'Stop the care session (answer STOPPED).' },
  },
});

/** Who caused a transition. */
export enum TransitionActor {
  USER = 'USER',
  DEVICE = 'DEVICE',
  SYSTEM = 'SYSTEM',
}
registerEnumType(TransitionActor, {
  name: 'TransitionActor',
  description: 'Who caused a care session transition.',
  valuesConfig: {
    USER: { description: 'A family member (start, stop).' },
    DEVICE: { description: 'The Carebot (its reports).' },
    SYSTEM: { description: 'The server (NO_RESPONSE, TIMED_OUT).' },
  },
});
