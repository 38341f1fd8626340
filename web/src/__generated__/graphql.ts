/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
/** What the Carebot saw the elder doing. */
export type ActivityAction =
  /** Eating or drinking. */
  | 'EATING'
  /** Exercising. */
  | 'EXERCISING'
  /** A fall: raises a CRIT alert. */
  | 'FALL'
  /** Lying down (awake). */
  | 'LYING'
  /** Anything else. */
  | 'OTHER'
  /** Left home. */
  | 'OUTING'
  /** Sitting. */
  | 'SITTING'
  /** Sleeping. */
  | 'SLEEPING'
  /** Talking (with the Carebot or someone). */
  | 'TALKING'
  /** Walking around. */
  | 'WALKING';

/** An activity the Carebot saw. */
export type ActivityInput = {
  /** The activity (FALL raises a CRIT alert). */
  action: ActivityAction;
  /** A snapshot (file id). */
  imageId?: string | null | undefined;
  /** When it happened: within the last 7 days and at most 5 minutes ahead; omitted or null (a device without a clock) means the time the server received it. */
  measuredAt?: string | null | undefined;
  /** A client-chosen UUID: a retry with the same id returns the first record and stores nothing. */
  reportId?: string | null | undefined;
  /** Confidence, 0 to 1. */
  score?: number | null | undefined;
};

/** A Korean address: region codes from `masterRegions`/`subRegions` and free text. */
export type AddressInput = {
  /** Street address and details (≤ 200 characters). */
  detail?: string | null | undefined;
  /** Two-digit legal-dong code of the province (e.g. "11" for 서울특별시). */
  masterRegionCode: string;
  /** Five-digit legal-dong code of the municipality (e.g. "11110" for 종로구). */
  subRegionCode: string;
};

/** How a resolved alert ended. */
export type AlertOutcome =
  /** Emergency services were called. */
  | 'EMERGENCY_SERVICES_CALLED'
  /** Nothing had happened. */
  | 'FALSE_ALARM'
  /** The family dealt with it. */
  | 'HANDLED';

/** Where an alert stands: OPEN → ACKNOWLEDGED → RESOLVED, or CANCELLED. */
export type AlertState =
  /** A member took responsibility for it. */
  | 'ACKNOWLEDGED'
  /** The Carebot cancelled it ("I'm OK") inside the grace window. */
  | 'CANCELLED'
  /** Raised; nobody has taken responsibility yet. */
  | 'OPEN'
  /** Dealt with (see the outcome). */
  | 'RESOLVED';

/** An action an admin took. */
export type AuditAction =
  /** Broadcast a public-disaster alert to regions. */
  | 'BROADCAST_DISASTER'
  /** Took a support conversation from the queue. */
  | 'CLAIM_SUPPORT_CONVERSATION'
  /** Closed a support conversation as staff. */
  | 'CLOSE_SUPPORT_CONVERSATION'
  /** Created a community board. */
  | 'CREATE_BOARD'
  /** Granted a user read or read-write access to a board. */
  | 'GRANT_BOARD_ACCESS'
  /** Hid a comment (moderation). */
  | 'HIDE_COMMENT'
  /** Hid a post (moderation). */
  | 'HIDE_POST'
  /** Resolved a user's report of a post or comment. */
  | 'RESOLVE_CONTENT_REPORT'
  /** Revoked a user's access to a board. */
  | 'REVOKE_BOARD_ACCESS'
  /** Suspended a user until a time (their sessions ended). */
  | 'SUSPEND_USER'
  /** Showed a hidden comment again. */
  | 'UNHIDE_COMMENT'
  /** Showed a hidden post again. */
  | 'UNHIDE_POST'
  /** Lifted a user's suspension. */
  | 'UNSUSPEND_USER'
  /** Changed a board's name, description, visibility or openness. */
  | 'UPDATE_BOARD';

/** The dominant emotion of a mental-state reading. */
export type Emotion =
  /** Anger. */
  | 'ANGER'
  /** Anxiety. */
  | 'ANXIETY'
  /** Joy. */
  | 'JOY'
  /** Neutral. */
  | 'NEUTRAL'
  /** Sadness. */
  | 'SADNESS';

/** Scores of each emotion, 0 to 1. */
export type EmotionScoresInput = {
  /** Anger. */
  anger: number;
  /** Anxiety. */
  anxiety: number;
  /** Joy. */
  joy: number;
  /** Neutral. */
  neutral: number;
  /** Sadness. */
  sadness: number;
};

/** What a member may do in a family (the main user has every MANAGER right). */
export type FamilyRole =
  /** Reads the family, sends messages and acknowledges alerts. */
  | 'CAREGIVER'
  /** Approves and removes members, registers devices, changes settings. */
  | 'MANAGER';

/** Gender as recorded at sign-up. */
export type Gender =
  /** Female. */
  | 'FEMALE'
  /** Male. */
  | 'MALE';

/** A vital-signs reading; at least one value. */
export type HealthStatusInput = {
  /** Blood oxygen saturation, % (50 to 100). */
  bloodOxygen?: number | null | undefined;
  /** Body temperature, °C (30 to 45). */
  bodyTemperature?: number | null | undefined;
  /** Diastolic blood pressure, mmHg (30 to 160), below systolic. */
  diastolic?: number | null | undefined;
  /** Heart rate, bpm (20 to 250). */
  heartRate?: number | null | undefined;
  /** When it was measured: within the last 7 days and at most 5 minutes ahead; omitted or null (a device without a clock) means the time the server received it. */
  measuredAt?: string | null | undefined;
  /** A client-chosen UUID: a retry with the same id returns the first record and stores nothing. */
  reportId?: string | null | undefined;
  /** Systolic blood pressure, mmHg (50 to 260). */
  systolic?: number | null | undefined;
};

/** A home environment reading. */
export type HomeStatusInput = {
  /** Fine dust density, µg/m³ (0 to 2000). */
  dustDensity: number;
  /** Gas level, ppm (0 to 100000). */
  gasLevel: number;
  /** Relative humidity, % (0 to 100). */
  humidity: number;
  /** When it was measured: within the last 7 days and at most 5 minutes ahead; omitted or null (a device without a clock) means the time the server received it. */
  measuredAt?: string | null | undefined;
  /** A client-chosen UUID: a retry with the same id returns the first record and stores nothing. */
  reportId?: string | null | undefined;
  /** Room temperature, °C (-40 to 80). */
  temperature: number;
};

/** Only ACTIVE memberships grant access. */
export type MembershipStatus =
  /** A member of the family. */
  | 'ACTIVE'
  /** Asked to join; waits for a manager. */
  | 'PENDING';

/** Where a mental-state reading came from. */
export type MentalSource =
  /** Analysis of a conversation. */
  | 'CONVERSATION'
  /** Facial expression. */
  | 'FACE'
  /** The elder said how they feel. */
  | 'SELF_REPORT'
  /** Tone of voice. */
  | 'VOICE';

/** A mental-state reading. */
export type MentalStatusInput = {
  /** The dominant emotion. */
  emotion: Emotion;
  /** When it was measured: within the last 7 days and at most 5 minutes ahead; omitted or null (a device without a clock) means the time the server received it. */
  measuredAt?: string | null | undefined;
  /** A client-chosen UUID: a retry with the same id returns the first record and stores nothing. */
  reportId?: string | null | undefined;
  /** Scores of each emotion. */
  scores: EmotionScoresInput;
  /** Where it came from. */
  source: MentalSource;
};

/** Which side of your messages to list. */
export type MessageBox =
  /** Messages sent to you. */
  | 'INBOX'
  /** Messages you sent. */
  | 'SENT';

/** How urgent a notification is (NONE < INFO < WARN < CRIT). */
export type NotificationGrade =
  /** Needs attention now (fire, fall, emergency). */
  | 'CRIT'
  /** For information. */
  | 'INFO'
  /** A record only. */
  | 'NONE'
  /** Needs attention. */
  | 'WARN';

/** What a notification is about. */
export type NotificationKind =
  /** A public disaster alert. */
  | 'DISASTER'
  /** The elder asked for help. */
  | 'EMERGENCY'
  /** Home environment out of range. */
  | 'ENVIRONMENT'
  /** A fall. */
  | 'FALL'
  /** Fire or gas. */
  | 'FIRE'
  /** Vital signs out of range. */
  | 'HEALTH'
  /** No activity for too long. */
  | 'INACTIVITY'
  /** A sustained low mood read from the conversations. */
  | 'MOOD'
  /** Anything else. */
  | 'OTHER'
  /** A new mental report is ready. */
  | 'REPORT'
  /** About the Carebot itself. */
  | 'SYSTEM';

/** A notification a device raises itself. */
export type RaiseNotificationInput = {
  /** How urgent. */
  grade: NotificationGrade;
  /** A snapshot (file id). */
  imageId?: string | null | undefined;
  /** What it is about. */
  kind: NotificationKind;
  /** Text, 1 to 500 characters. */
  message: string;
};

/** Readings buffered offline, stored all together or not at all (at most 1,000 in all). */
export type ReportBatchInput = {
  /** Activities. */
  activities?: Array<ActivityInput> | null | undefined;
  /** Vital-signs readings. */
  health?: Array<HealthStatusInput> | null | undefined;
  /** Home environment readings. */
  home?: Array<HomeStatusInput> | null | undefined;
  /** Mental-state readings. */
  mental?: Array<MentalStatusInput> | null | undefined;
};

/** Overall risk a mental report assesses. */
export type RiskLevel =
  /** Needs attention now. */
  | 'CRITICAL'
  /** Needs attention soon. */
  | 'HIGH'
  /** No concern. */
  | 'LOW'
  /** Worth watching. */
  | 'MEDIUM';

/** A new message. */
export type SendMessageInput = {
  /** The text, 1–2,000 characters. */
  content: string;
  /** An uploaded picture to attach. */
  imageId?: string | null | undefined;
  /** The recipient: a user who shares an ACTIVE family with you (not yourself). */
  toUserId: string;
};

/** Everything needed to create an account. */
export type SignUpInput = {
  /** Home address. */
  address: AddressInput;
  /** Date of birth (between 1900-01-01 and yesterday). */
  birthDate: string;
  /** E-mail address; the log-in name (case-insensitive, unique). */
  email: string;
  /** Gender. */
  gender: Gender;
  /** Display name, 1–50 characters. */
  name: string;
  /** Password, 10–128 characters. */
  password: string;
  /** Phone number, e.g. 010-1234-5678 or +82 10 1234 5678. */
  phone: string;
  /** MAIN for the elder, MEMBER for family and care workers. */
  role: SignUpRole;
};

/** The kind of account to create. */
export type SignUpRole =
  /** The elder who lives with a Carebot (owns one family). */
  | 'MAIN'
  /** A family member or care worker. */
  | 'MEMBER';

/** Suspends a user until a time. */
export type SuspendUserInput = {
  /** Why, 1–500 characters (kept in the audit log). */
  reason: string;
  /** When the suspension ends: in the future, at most 10 years ahead. */
  until: string;
  /** The user (not an admin). */
  userId: string;
};

/** Threshold changes; omitted values stay as they are. Each min must stay below its max. */
export type ThresholdsInput = {
  /** %, 50 to 100. */
  bloodOxygenMin?: number | null | undefined;
  /** µg/m³, 0 to 1000. */
  dustMax?: number | null | undefined;
  /** ppm, 0 to 10000. */
  gasMax?: number | null | undefined;
  /** bpm, 20 to 250. */
  heartRateMax?: number | null | undefined;
  /** bpm, 20 to 250. */
  heartRateMin?: number | null | undefined;
  /** °C, -20 to 60. */
  temperatureMax?: number | null | undefined;
  /** °C, -20 to 60. */
  temperatureMin?: number | null | undefined;
};

/** Lifts a user's suspension. */
export type UnsuspendUserInput = {
  /** Why, 1–500 characters (kept in the audit log). */
  reason: string;
  /** The suspended user. */
  userId: string;
};

/** Settings changes; omitted values stay as they are. */
export type UpdateSettingsInput = {
  /** Bedtime, HH:MM. */
  bedTime?: string | null | undefined;
  /** Hours without activity before an INACTIVITY warning, 1–72. */
  inactivityAlertHours?: number | null | undefined;
  /** Whether the Carebot sounds alarms. */
  isAlarmEnabled?: boolean | null | undefined;
  /** Whether the camera may be used. */
  isCameraEnabled?: boolean | null | undefined;
  /** Whether the Carebot may move around. */
  isDrivingEnabled?: boolean | null | undefined;
  /** Whether the microphone may be used. */
  isMicrophoneEnabled?: boolean | null | undefined;
  /** End of quiet hours, HH:MM. */
  quietHoursEnd?: string | null | undefined;
  /** Start of quiet hours, HH:MM. */
  quietHoursStart?: string | null | undefined;
  /** Whether managers and caregivers may read the elder's conversations with the AI companion. Only the main user may change it (else FORBIDDEN). */
  shareConversations?: boolean | null | undefined;
  /** Whether managers and caregivers may read the main user's emotion journal (read-only). Only the main user may change it (else FORBIDDEN). */
  shareJournal?: boolean | null | undefined;
  /** Alert thresholds. */
  thresholds?: ThresholdsInput | null | undefined;
  /** Speaker volume, 0–100. */
  volume?: number | null | undefined;
  /** Wake-up time, HH:MM. */
  wakeUpTime?: string | null | undefined;
};

/** What kind of account a user has. */
export type UserRole =
  /** Operator staff; created only from the command line. */
  | 'ADMIN'
  /** The elder who lives with a Carebot; owns one family. */
  | 'MAIN'
  /** A family member or care worker who joins families. */
  | 'MEMBER';

export type WebLogInMutationVariables = Exact<{
  email: string;
  password: string;
  remember: boolean;
}>;


export type WebLogInMutation = { logIn: { user: { id: string, name: string, role: UserRole } } };

export type WebSignUpMutationVariables = Exact<{
  input: SignUpInput;
}>;


export type WebSignUpMutation = { signUp: { user: { id: string, name: string, role: UserRole } } };

export type WebRequestPasswordResetMutationVariables = Exact<{
  email: string;
}>;


export type WebRequestPasswordResetMutation = { requestPasswordReset: boolean };

export type WebResetPasswordMutationVariables = Exact<{
  token: string;
  newPassword: string;
}>;


export type WebResetPasswordMutation = { resetPassword: boolean };

export type WebLogOutMutationVariables = Exact<{ [key: string]: never; }>;


export type WebLogOutMutation = { logOut: boolean };

export type WebMeQueryVariables = Exact<{ [key: string]: never; }>;


export type WebMeQuery = { unreadMessageCount: number, unreadNotificationCount: number, me: { id: string, name: string, role: UserRole } | null };

export type WebMasterRegionsQueryVariables = Exact<{ [key: string]: never; }>;


export type WebMasterRegionsQuery = { masterRegions: Array<{ code: string, name: string }> };

export type WebSubRegionsQueryVariables = Exact<{
  masterRegionCode: string;
}>;


export type WebSubRegionsQuery = { subRegions: Array<{ code: string, name: string }> };

export type WebAdminUserFragment = { id: string, name: string, email: string | null, role: UserRole, createdAt: string, suspendedUntil: string | null };

export type WebAdminUsersQueryVariables = Exact<{
  search?: string | null | undefined;
  after?: string | null | undefined;
}>;


export type WebAdminUsersQuery = { adminUsers: { totalCount: number, edges: Array<{ node: { id: string, name: string, email: string | null, role: UserRole, createdAt: string, suspendedUntil: string | null } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type WebSuspendUserMutationVariables = Exact<{
  input: SuspendUserInput;
}>;


export type WebSuspendUserMutation = { suspendUser: { id: string, name: string, email: string | null, role: UserRole, createdAt: string, suspendedUntil: string | null } };

export type WebUnsuspendUserMutationVariables = Exact<{
  input: UnsuspendUserInput;
}>;


export type WebUnsuspendUserMutation = { unsuspendUser: { id: string, name: string, email: string | null, role: UserRole, createdAt: string, suspendedUntil: string | null } };

export type WebSystemStatsQueryVariables = Exact<{ [key: string]: never; }>;


export type WebSystemStatsQuery = { systemStats: { at: string, families: number, devicesOnline: number, onlineWithinMinutes: number, usersByRole: Array<{ role: UserRole, count: number }>, alertsPerDay: Array<{ day: string, count: number }>, postsPerDay: Array<{ day: string, count: number }> | null } };

export type WebAuditLogQueryVariables = Exact<{
  after?: string | null | undefined;
}>;


export type WebAuditLogQuery = { auditLog: { totalCount: number, edges: Array<{ node: { id: string, action: AuditAction, actorId: string, createdAt: string, targetType: string, targetId: string, reason: string | null, detail: string | null, actor: { id: string, name: string } | null } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type DevHomeMutationVariables = Exact<{
  input: HomeStatusInput;
}>;


export type DevHomeMutation = { reportHomeStatus: { id: string, measuredAt: string } };

export type DevHealthMutationVariables = Exact<{
  input: HealthStatusInput;
}>;


export type DevHealthMutation = { reportHealthStatus: { id: string, measuredAt: string } };

export type DevActivityMutationVariables = Exact<{
  input: ActivityInput;
}>;


export type DevActivityMutation = { reportActivity: { id: string, measuredAt: string } };

export type DevMentalMutationVariables = Exact<{
  input: MentalStatusInput;
}>;


export type DevMentalMutation = { reportMentalStatus: { id: string, measuredAt: string } };

export type DevRaiseMutationVariables = Exact<{
  input: RaiseNotificationInput;
}>;


export type DevRaiseMutation = { raiseNotification: { id: string, grade: NotificationGrade, kind: NotificationKind } };

export type DevBatchMutationVariables = Exact<{
  input: ReportBatchInput;
}>;


export type DevBatchMutation = { reportBatch: { stored: number, duplicates: number, notificationsRaised: number } };

export type DevSettingsQueryVariables = Exact<{ [key: string]: never; }>;


export type DevSettingsQuery = { deviceSettings: { volume: number, isAlarmEnabled: boolean, wakeUpTime: string, bedTime: string, updatedAt: string } };

export type DevSettingsChangedSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type DevSettingsChangedSubscription = { settingsChanged: { volume: number, isAlarmEnabled: boolean, wakeUpTime: string, bedTime: string, updatedAt: string } };

export type DevMessagesSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type DevMessagesSubscription = { messageReceived: { id: string, content: string, createdAt: string, from: { name: string } } };

export type WebLatestFragment = { latestHealthStatus: { heartRate: number | null, bloodOxygen: number | null, bodyTemperature: number | null, systolic: number | null, diastolic: number | null, measuredAt: string } | null, latestHomeStatus: { temperature: number, humidity: number, dustDensity: number, gasLevel: number, measuredAt: string } | null, latestActivity: { action: ActivityAction, score: number | null, measuredAt: string } | null, latestMentalStatus: { emotion: Emotion, measuredAt: string } | null, devices: Array<{ id: string, name: string, lastSeenAt: string | null }> };

export type WebAlertFragment = { id: string, grade: NotificationGrade, kind: NotificationKind, message: string, createdAt: string, acknowledgedAt: string | null, read: boolean, state: AlertState | null, outcome: AlertOutcome | null, resolvedAt: string | null, resolutionNote: string | null, acknowledgedBy: { id: string, name: string } | null, family: { id: string, familyName: string } };

export type WebMyEldersQueryVariables = Exact<{ [key: string]: never; }>;


export type WebMyEldersQuery = { unreadMessageCount: number, myFamilies: Array<{ id: string, familyName: string, unreadNotificationCount: number, mainUser: { id: string, name: string }, notifications: { edges: Array<{ node: { id: string, grade: NotificationGrade, kind: NotificationKind, message: string, createdAt: string, acknowledgedAt: string | null, read: boolean, state: AlertState | null, outcome: AlertOutcome | null, resolvedAt: string | null, resolutionNote: string | null, acknowledgedBy: { id: string, name: string } | null, family: { id: string, familyName: string } } }> }, latestHealthStatus: { heartRate: number | null, bloodOxygen: number | null, bodyTemperature: number | null, systolic: number | null, diastolic: number | null, measuredAt: string } | null, latestHomeStatus: { temperature: number, humidity: number, dustDensity: number, gasLevel: number, measuredAt: string } | null, latestActivity: { action: ActivityAction, score: number | null, measuredAt: string } | null, latestMentalStatus: { emotion: Emotion, measuredAt: string } | null, devices: Array<{ id: string, name: string, lastSeenAt: string | null }> }> };

export type WebFamilyQueryVariables = Exact<{
  id: string;
}>;


export type WebFamilyQuery = { family: { id: string, familyName: string, memo: string | null, unreadNotificationCount: number, mainUser: { id: string, name: string }, notifications: { edges: Array<{ node: { id: string, grade: NotificationGrade, kind: NotificationKind, message: string, createdAt: string, acknowledgedAt: string | null, read: boolean, state: AlertState | null, outcome: AlertOutcome | null, resolvedAt: string | null, resolutionNote: string | null, acknowledgedBy: { id: string, name: string } | null, family: { id: string, familyName: string } } }> }, members: Array<{ id: string, role: FamilyRole, relation: string, status: MembershipStatus, user: { id: string, name: string } }>, settings: { volume: number, isAlarmEnabled: boolean, wakeUpTime: string, bedTime: string, quietHoursStart: string, quietHoursEnd: string, inactivityAlertHours: number }, mentalReports: { edges: Array<{ node: { id: string, periodStart: string, periodEnd: string, riskLevel: RiskLevel, summary: string, recommendations: Array<string> } }> }, latestHealthStatus: { heartRate: number | null, bloodOxygen: number | null, bodyTemperature: number | null, systolic: number | null, diastolic: number | null, measuredAt: string } | null, latestHomeStatus: { temperature: number, humidity: number, dustDensity: number, gasLevel: number, measuredAt: string } | null, latestActivity: { action: ActivityAction, score: number | null, measuredAt: string } | null, latestMentalStatus: { emotion: Emotion, measuredAt: string } | null, devices: Array<{ id: string, name: string, lastSeenAt: string | null }> } | null };

export type WebSeriesQueryVariables = Exact<{
  id: string;
  from: string;
  after?: string | null | undefined;
}>;


export type WebSeriesQuery = { family: { id: string, healthStatuses: { edges: Array<{ node: { measuredAt: string, heartRate: number | null, bloodOxygen: number | null, bodyTemperature: number | null } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } } | null };

export type WebHomeSeriesQueryVariables = Exact<{
  id: string;
  from: string;
  after?: string | null | undefined;
}>;


export type WebHomeSeriesQuery = { family: { id: string, homeStatuses: { edges: Array<{ node: { measuredAt: string, temperature: number, humidity: number } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } } | null };

export type WebActivitySeriesQueryVariables = Exact<{
  id: string;
  from: string;
  after?: string | null | undefined;
}>;


export type WebActivitySeriesQuery = { family: { id: string, activities: { edges: Array<{ node: { measuredAt: string, action: ActivityAction, score: number | null } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } } | null };

export type WebAcknowledgeMutationVariables = Exact<{
  id: string;
}>;


export type WebAcknowledgeMutation = { acknowledgeNotification: { id: string, grade: NotificationGrade, kind: NotificationKind, message: string, createdAt: string, acknowledgedAt: string | null, read: boolean, state: AlertState | null, outcome: AlertOutcome | null, resolvedAt: string | null, resolutionNote: string | null, acknowledgedBy: { id: string, name: string } | null, family: { id: string, familyName: string } } };

export type WebResolveMutationVariables = Exact<{
  id: string;
  outcome: AlertOutcome;
  note?: string | null | undefined;
}>;


export type WebResolveMutation = { resolveNotification: { id: string, grade: NotificationGrade, kind: NotificationKind, message: string, createdAt: string, acknowledgedAt: string | null, read: boolean, state: AlertState | null, outcome: AlertOutcome | null, resolvedAt: string | null, resolutionNote: string | null, acknowledgedBy: { id: string, name: string } | null, family: { id: string, familyName: string } } };

export type WebMarkAllReadMutationVariables = Exact<{
  familyId: string;
}>;


export type WebMarkAllReadMutation = { markAllNotificationsRead: number };

export type WebCreateInviteMutationVariables = Exact<{
  familyId: string;
  role: FamilyRole;
}>;


export type WebCreateInviteMutation = { createFamilyInvite: { code: string, expiresAt: string, role: FamilyRole } };

export type WebApproveMutationVariables = Exact<{
  id: string;
}>;


export type WebApproveMutation = { approveMembership: { id: string, status: MembershipStatus } };

export type WebUpdateSettingsMutationVariables = Exact<{
  familyId: string;
  input: UpdateSettingsInput;
}>;


export type WebUpdateSettingsMutation = { updateSettings: { volume: number, isAlarmEnabled: boolean, wakeUpTime: string, bedTime: string, quietHoursStart: string, quietHoursEnd: string, inactivityAlertHours: number } };

export type WebAlertsSubscriptionVariables = Exact<{
  after?: string | null | undefined;
}>;


export type WebAlertsSubscription = { notificationAdded: { id: string, grade: NotificationGrade, kind: NotificationKind, message: string, createdAt: string, acknowledgedAt: string | null, read: boolean, state: AlertState | null, outcome: AlertOutcome | null, resolvedAt: string | null, resolutionNote: string | null, acknowledgedBy: { id: string, name: string } | null, family: { id: string, familyName: string } } };

export type WebAlertUpdatesSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type WebAlertUpdatesSubscription = { notificationUpdated: { id: string, grade: NotificationGrade, kind: NotificationKind, message: string, createdAt: string, acknowledgedAt: string | null, read: boolean, state: AlertState | null, outcome: AlertOutcome | null, resolvedAt: string | null, resolutionNote: string | null, acknowledgedBy: { id: string, name: string } | null, family: { id: string, familyName: string } } };

export type WebUnreadCountsSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type WebUnreadCountsSubscription = { unreadCountsChanged: { messages: number, notifications: number } };

export type WebMessageFragment = { id: string, content: string, createdAt: string, read: boolean, from: { id: string, name: string }, to: { id: string, name: string }, family: { id: string } | null };

export type WebMessagesQueryVariables = Exact<{
  box: MessageBox;
}>;


export type WebMessagesQuery = { messages: { edges: Array<{ node: { id: string, content: string, createdAt: string, read: boolean, from: { id: string, name: string }, to: { id: string, name: string }, family: { id: string } | null } }> } };

export type WebSendMessageMutationVariables = Exact<{
  input: SendMessageInput;
}>;


export type WebSendMessageMutation = { sendMessage: { id: string, content: string, createdAt: string, read: boolean, from: { id: string, name: string }, to: { id: string, name: string }, family: { id: string } | null } };

export type WebMarkMessagesReadMutationVariables = Exact<{
  ids: Array<string> | string;
}>;


export type WebMarkMessagesReadMutation = { markMessagesRead: number };

export type WebMessageReceivedSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type WebMessageReceivedSubscription = { messageReceived: { id: string, content: string, createdAt: string, read: boolean, from: { id: string, name: string }, to: { id: string, name: string }, family: { id: string } | null } };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const WebAdminUserFragmentDoc = new TypedDocumentString(`
    fragment WebAdminUser on User {
  id
  name
  email
  role
  createdAt
  suspendedUntil
}
    `, {"fragmentName":"WebAdminUser"}) as unknown as TypedDocumentString<WebAdminUserFragment, unknown>;
export const WebLatestFragmentDoc = new TypedDocumentString(`
    fragment WebLatest on Family {
  latestHealthStatus {
    heartRate
    bloodOxygen
    bodyTemperature
    systolic
    diastolic
    measuredAt
  }
  latestHomeStatus {
    temperature
    humidity
    dustDensity
    gasLevel
    measuredAt
  }
  latestActivity {
    action
    score
    measuredAt
  }
  latestMentalStatus {
    emotion
    measuredAt
  }
  devices {
    id
    name
    lastSeenAt
  }
}
    `, {"fragmentName":"WebLatest"}) as unknown as TypedDocumentString<WebLatestFragment, unknown>;
export const WebAlertFragmentDoc = new TypedDocumentString(`
    fragment WebAlert on Notification {
  id
  grade
  kind
  message
  createdAt
  acknowledgedAt
  acknowledgedBy {
    id
    name
  }
  read
  state
  outcome
  resolvedAt
  resolutionNote
  family {
    id
    familyName
  }
}
    `, {"fragmentName":"WebAlert"}) as unknown as TypedDocumentString<WebAlertFragment, unknown>;
export const WebMessageFragmentDoc = new TypedDocumentString(`
    fragment WebMessage on Message {
  id
  content
  createdAt
  read
  from {
    id
    name
  }
  to {
    id
    name
  }
  family {
    id
  }
}
    `, {"fragmentName":"WebMessage"}) as unknown as TypedDocumentString<WebMessageFragment, unknown>;
export const WebLogInDocument = new TypedDocumentString(`
    mutation WebLogIn($email: String!, $password: String!, $remember: Boolean!) {
  logIn(email: $email, password: $password, remember: $remember) {
    user {
      id
      name
      role
    }
  }
}
    `) as unknown as TypedDocumentString<WebLogInMutation, WebLogInMutationVariables>;
export const WebSignUpDocument = new TypedDocumentString(`
    mutation WebSignUp($input: SignUpInput!) {
  signUp(input: $input) {
    user {
      id
      name
      role
    }
  }
}
    `) as unknown as TypedDocumentString<WebSignUpMutation, WebSignUpMutationVariables>;
export const WebRequestPasswordResetDocument = new TypedDocumentString(`
    mutation WebRequestPasswordReset($email: String!) {
  requestPasswordReset(email: $email)
}
    `) as unknown as TypedDocumentString<WebRequestPasswordResetMutation, WebRequestPasswordResetMutationVariables>;
export const WebResetPasswordDocument = new TypedDocumentString(`
    mutation WebResetPassword($token: String!, $newPassword: String!) {
  resetPassword(token: $token, newPassword: $newPassword)
}
    `) as unknown as TypedDocumentString<WebResetPasswordMutation, WebResetPasswordMutationVariables>;
export const WebLogOutDocument = new TypedDocumentString(`
    mutation WebLogOut {
  logOut
}
    `) as unknown as TypedDocumentString<WebLogOutMutation, WebLogOutMutationVariables>;
export const WebMeDocument = new TypedDocumentString(`
    query WebMe {
  me {
    id
    name
    role
  }
  unreadMessageCount
  unreadNotificationCount
}
    `) as unknown as TypedDocumentString<WebMeQuery, WebMeQueryVariables>;
export const WebMasterRegionsDocument = new TypedDocumentString(`
    query WebMasterRegions {
  masterRegions {
    code
    name
  }
}
    `) as unknown as TypedDocumentString<WebMasterRegionsQuery, WebMasterRegionsQueryVariables>;
export const WebSubRegionsDocument = new TypedDocumentString(`
    query WebSubRegions($masterRegionCode: String!) {
  subRegions(masterRegionCode: $masterRegionCode) {
    code
    name
  }
}
    `) as unknown as TypedDocumentString<WebSubRegionsQuery, WebSubRegionsQueryVariables>;
export const WebAdminUsersDocument = new TypedDocumentString(`
    query WebAdminUsers($search: String, $after: String) {
  adminUsers(search: $search, first: 20, after: $after) {
    edges {
      node {
        ...WebAdminUser
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
    totalCount
  }
}
    fragment WebAdminUser on User {
  id
  name
  email
  role
  createdAt
  suspendedUntil
}`) as unknown as TypedDocumentString<WebAdminUsersQuery, WebAdminUsersQueryVariables>;
export const WebSuspendUserDocument = new TypedDocumentString(`
    mutation WebSuspendUser($input: SuspendUserInput!) {
  suspendUser(input: $input) {
    ...WebAdminUser
  }
}
    fragment WebAdminUser on User {
  id
  name
  email
  role
  createdAt
  suspendedUntil
}`) as unknown as TypedDocumentString<WebSuspendUserMutation, WebSuspendUserMutationVariables>;
export const WebUnsuspendUserDocument = new TypedDocumentString(`
    mutation WebUnsuspendUser($input: UnsuspendUserInput!) {
  unsuspendUser(input: $input) {
    ...WebAdminUser
  }
}
    fragment WebAdminUser on User {
  id
  name
  email
  role
  createdAt
  suspendedUntil
}`) as unknown as TypedDocumentString<WebUnsuspendUserMutation, WebUnsuspendUserMutationVariables>;
export const WebSystemStatsDocument = new TypedDocumentString(`
    query WebSystemStats {
  systemStats {
    at
    usersByRole {
      role
      count
    }
    families
    devicesOnline
    onlineWithinMinutes
    alertsPerDay {
      day
      count
    }
    postsPerDay {
      day
      count
    }
  }
}
    `) as unknown as TypedDocumentString<WebSystemStatsQuery, WebSystemStatsQueryVariables>;
export const WebAuditLogDocument = new TypedDocumentString(`
    query WebAuditLog($after: String) {
  auditLog(first: 20, after: $after) {
    edges {
      node {
        id
        action
        actor {
          id
          name
        }
        actorId
        createdAt
        targetType
        targetId
        reason
        detail
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
    totalCount
  }
}
    `) as unknown as TypedDocumentString<WebAuditLogQuery, WebAuditLogQueryVariables>;
export const DevHomeDocument = new TypedDocumentString(`
    mutation DevHome($input: HomeStatusInput!) {
  reportHomeStatus(input: $input) {
    id
    measuredAt
  }
}
    `) as unknown as TypedDocumentString<DevHomeMutation, DevHomeMutationVariables>;
export const DevHealthDocument = new TypedDocumentString(`
    mutation DevHealth($input: HealthStatusInput!) {
  reportHealthStatus(input: $input) {
    id
    measuredAt
  }
}
    `) as unknown as TypedDocumentString<DevHealthMutation, DevHealthMutationVariables>;
export const DevActivityDocument = new TypedDocumentString(`
    mutation DevActivity($input: ActivityInput!) {
  reportActivity(input: $input) {
    id
    measuredAt
  }
}
    `) as unknown as TypedDocumentString<DevActivityMutation, DevActivityMutationVariables>;
export const DevMentalDocument = new TypedDocumentString(`
    mutation DevMental($input: MentalStatusInput!) {
  reportMentalStatus(input: $input) {
    id
    measuredAt
  }
}
    `) as unknown as TypedDocumentString<DevMentalMutation, DevMentalMutationVariables>;
export const DevRaiseDocument = new TypedDocumentString(`
    mutation DevRaise($input: RaiseNotificationInput!) {
  raiseNotification(input: $input) {
    id
    grade
    kind
  }
}
    `) as unknown as TypedDocumentString<DevRaiseMutation, DevRaiseMutationVariables>;
export const DevBatchDocument = new TypedDocumentString(`
    mutation DevBatch($input: ReportBatchInput!) {
  reportBatch(input: $input) {
    stored
    duplicates
    notificationsRaised
  }
}
    `) as unknown as TypedDocumentString<DevBatchMutation, DevBatchMutationVariables>;
export const DevSettingsDocument = new TypedDocumentString(`
    query DevSettings {
  deviceSettings {
    volume
    isAlarmEnabled
    wakeUpTime
    bedTime
    updatedAt
  }
}
    `) as unknown as TypedDocumentString<DevSettingsQuery, DevSettingsQueryVariables>;
export const DevSettingsChangedDocument = new TypedDocumentString(`
    subscription DevSettingsChanged {
  settingsChanged {
    volume
    isAlarmEnabled
    wakeUpTime
    bedTime
    updatedAt
  }
}
    `) as unknown as TypedDocumentString<DevSettingsChangedSubscription, DevSettingsChangedSubscriptionVariables>;
export const DevMessagesDocument = new TypedDocumentString(`
    subscription DevMessages {
  messageReceived {
    id
    content
    createdAt
    from {
      name
    }
  }
}
    `) as unknown as TypedDocumentString<DevMessagesSubscription, DevMessagesSubscriptionVariables>;
export const WebMyEldersDocument = new TypedDocumentString(`
    query WebMyElders {
  myFamilies {
    id
    familyName
    mainUser {
      id
      name
    }
    unreadNotificationCount
    ...WebLatest
    notifications(first: 10, minGrade: WARN) {
      edges {
        node {
          ...WebAlert
        }
      }
    }
  }
  unreadMessageCount
}
    fragment WebLatest on Family {
  latestHealthStatus {
    heartRate
    bloodOxygen
    bodyTemperature
    systolic
    diastolic
    measuredAt
  }
  latestHomeStatus {
    temperature
    humidity
    dustDensity
    gasLevel
    measuredAt
  }
  latestActivity {
    action
    score
    measuredAt
  }
  latestMentalStatus {
    emotion
    measuredAt
  }
  devices {
    id
    name
    lastSeenAt
  }
}
fragment WebAlert on Notification {
  id
  grade
  kind
  message
  createdAt
  acknowledgedAt
  acknowledgedBy {
    id
    name
  }
  read
  state
  outcome
  resolvedAt
  resolutionNote
  family {
    id
    familyName
  }
}`) as unknown as TypedDocumentString<WebMyEldersQuery, WebMyEldersQueryVariables>;
export const WebFamilyDocument = new TypedDocumentString(`
    query WebFamily($id: ID!) {
  family(id: $id) {
    id
    familyName
    memo
    mainUser {
      id
      name
    }
    unreadNotificationCount
    ...WebLatest
    notifications(first: 30) {
      edges {
        node {
          ...WebAlert
        }
      }
    }
    members {
      id
      role
      relation
      status
      user {
        id
        name
      }
    }
    settings {
      volume
      isAlarmEnabled
      wakeUpTime
      bedTime
      quietHoursStart
      quietHoursEnd
      inactivityAlertHours
    }
    mentalReports(first: 5) {
      edges {
        node {
          id
          periodStart
          periodEnd
          riskLevel
          summary
          recommendations
        }
      }
    }
  }
}
    fragment WebLatest on Family {
  latestHealthStatus {
    heartRate
    bloodOxygen
    bodyTemperature
    systolic
    diastolic
    measuredAt
  }
  latestHomeStatus {
    temperature
    humidity
    dustDensity
    gasLevel
    measuredAt
  }
  latestActivity {
    action
    score
    measuredAt
  }
  latestMentalStatus {
    emotion
    measuredAt
  }
  devices {
    id
    name
    lastSeenAt
  }
}
fragment WebAlert on Notification {
  id
  grade
  kind
  message
  createdAt
  acknowledgedAt
  acknowledgedBy {
    id
    name
  }
  read
  state
  outcome
  resolvedAt
  resolutionNote
  family {
    id
    familyName
  }
}`) as unknown as TypedDocumentString<WebFamilyQuery, WebFamilyQueryVariables>;
export const WebSeriesDocument = new TypedDocumentString(`
    query WebSeries($id: ID!, $from: DateTime!, $after: String) {
  family(id: $id) {
    id
    healthStatuses(from: $from, first: 100, after: $after, order: DESC) {
      edges {
        node {
          measuredAt
          heartRate
          bloodOxygen
          bodyTemperature
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
}
    `) as unknown as TypedDocumentString<WebSeriesQuery, WebSeriesQueryVariables>;
export const WebHomeSeriesDocument = new TypedDocumentString(`
    query WebHomeSeries($id: ID!, $from: DateTime!, $after: String) {
  family(id: $id) {
    id
    homeStatuses(from: $from, first: 100, after: $after, order: DESC) {
      edges {
        node {
          measuredAt
          temperature
          humidity
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
}
    `) as unknown as TypedDocumentString<WebHomeSeriesQuery, WebHomeSeriesQueryVariables>;
export const WebActivitySeriesDocument = new TypedDocumentString(`
    query WebActivitySeries($id: ID!, $from: DateTime!, $after: String) {
  family(id: $id) {
    id
    activities(from: $from, first: 100, after: $after, order: DESC) {
      edges {
        node {
          measuredAt
          action
          score
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
}
    `) as unknown as TypedDocumentString<WebActivitySeriesQuery, WebActivitySeriesQueryVariables>;
export const WebAcknowledgeDocument = new TypedDocumentString(`
    mutation WebAcknowledge($id: ID!) {
  acknowledgeNotification(id: $id) {
    ...WebAlert
  }
}
    fragment WebAlert on Notification {
  id
  grade
  kind
  message
  createdAt
  acknowledgedAt
  acknowledgedBy {
    id
    name
  }
  read
  state
  outcome
  resolvedAt
  resolutionNote
  family {
    id
    familyName
  }
}`) as unknown as TypedDocumentString<WebAcknowledgeMutation, WebAcknowledgeMutationVariables>;
export const WebResolveDocument = new TypedDocumentString(`
    mutation WebResolve($id: ID!, $outcome: AlertOutcome!, $note: String) {
  resolveNotification(id: $id, outcome: $outcome, note: $note) {
    ...WebAlert
  }
}
    fragment WebAlert on Notification {
  id
  grade
  kind
  message
  createdAt
  acknowledgedAt
  acknowledgedBy {
    id
    name
  }
  read
  state
  outcome
  resolvedAt
  resolutionNote
  family {
    id
    familyName
  }
}`) as unknown as TypedDocumentString<WebResolveMutation, WebResolveMutationVariables>;
export const WebMarkAllReadDocument = new TypedDocumentString(`
    mutation WebMarkAllRead($familyId: ID!) {
  markAllNotificationsRead(familyId: $familyId)
}
    `) as unknown as TypedDocumentString<WebMarkAllReadMutation, WebMarkAllReadMutationVariables>;
export const WebCreateInviteDocument = new TypedDocumentString(`
    mutation WebCreateInvite($familyId: ID!, $role: FamilyRole!) {
  createFamilyInvite(familyId: $familyId, role: $role) {
    code
    expiresAt
    role
  }
}
    `) as unknown as TypedDocumentString<WebCreateInviteMutation, WebCreateInviteMutationVariables>;
export const WebApproveDocument = new TypedDocumentString(`
    mutation WebApprove($id: ID!) {
  approveMembership(id: $id) {
    id
    status
  }
}
    `) as unknown as TypedDocumentString<WebApproveMutation, WebApproveMutationVariables>;
export const WebUpdateSettingsDocument = new TypedDocumentString(`
    mutation WebUpdateSettings($familyId: ID!, $input: UpdateSettingsInput!) {
  updateSettings(familyId: $familyId, input: $input) {
    volume
    isAlarmEnabled
    wakeUpTime
    bedTime
    quietHoursStart
    quietHoursEnd
    inactivityAlertHours
  }
}
    `) as unknown as TypedDocumentString<WebUpdateSettingsMutation, WebUpdateSettingsMutationVariables>;
export const WebAlertsDocument = new TypedDocumentString(`
    subscription WebAlerts($after: ID) {
  notificationAdded(after: $after) {
    ...WebAlert
  }
}
    fragment WebAlert on Notification {
  id
  grade
  kind
  message
  createdAt
  acknowledgedAt
  acknowledgedBy {
    id
    name
  }
  read
  state
  outcome
  resolvedAt
  resolutionNote
  family {
    id
    familyName
  }
}`) as unknown as TypedDocumentString<WebAlertsSubscription, WebAlertsSubscriptionVariables>;
export const WebAlertUpdatesDocument = new TypedDocumentString(`
    subscription WebAlertUpdates {
  notificationUpdated {
    ...WebAlert
  }
}
    fragment WebAlert on Notification {
  id
  grade
  kind
  message
  createdAt
  acknowledgedAt
  acknowledgedBy {
    id
    name
  }
  read
  state
  outcome
  resolvedAt
  resolutionNote
  family {
    id
    familyName
  }
}`) as unknown as TypedDocumentString<WebAlertUpdatesSubscription, WebAlertUpdatesSubscriptionVariables>;
export const WebUnreadCountsDocument = new TypedDocumentString(`
    subscription WebUnreadCounts {
  unreadCountsChanged {
    messages
    notifications
  }
}
    `) as unknown as TypedDocumentString<WebUnreadCountsSubscription, WebUnreadCountsSubscriptionVariables>;
export const WebMessagesDocument = new TypedDocumentString(`
    query WebMessages($box: MessageBox!) {
  messages(box: $box, first: 50) {
    edges {
      node {
        ...WebMessage
      }
    }
  }
}
    fragment WebMessage on Message {
  id
  content
  createdAt
  read
  from {
    id
    name
  }
  to {
    id
    name
  }
  family {
    id
  }
}`) as unknown as TypedDocumentString<WebMessagesQuery, WebMessagesQueryVariables>;
export const WebSendMessageDocument = new TypedDocumentString(`
    mutation WebSendMessage($input: SendMessageInput!) {
  sendMessage(input: $input) {
    ...WebMessage
  }
}
    fragment WebMessage on Message {
  id
  content
  createdAt
  read
  from {
    id
    name
  }
  to {
    id
    name
  }
  family {
    id
  }
}`) as unknown as TypedDocumentString<WebSendMessageMutation, WebSendMessageMutationVariables>;
export const WebMarkMessagesReadDocument = new TypedDocumentString(`
    mutation WebMarkMessagesRead($ids: [ID!]!) {
  markMessagesRead(ids: $ids)
}
    `) as unknown as TypedDocumentString<WebMarkMessagesReadMutation, WebMarkMessagesReadMutationVariables>;
export const WebMessageReceivedDocument = new TypedDocumentString(`
    subscription WebMessageReceived {
  messageReceived {
    ...WebMessage
  }
}
    fragment WebMessage on Message {
  id
  content
  createdAt
  read
  from {
    id
    name
  }
  to {
    id
    name
  }
  family {
    id
  }
}`) as unknown as TypedDocumentString<WebMessageReceivedSubscription, WebMessageReceivedSubscriptionVariables>;