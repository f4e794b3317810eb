/** Enablement scheduling: windows, rules, activation's trust store publication, revocation (see docs/scheduling.md). */
export { scheduleEnablement, type ScheduleInput, type ScheduleResult } from "./schedule-enablement";
export { rescheduleEnablement } from "./reschedule-enablement";
export { cancelEnablement } from "./cancel-enablement";
export { revokeCertificate, REVOCATION_REASONS, type RevocationReason, type RevokeResult } from "./revoke-certificate";
export { listReadyToSchedule, type ReadyItem } from "./ready-to-schedule";
export { listScheduledEnablements, listProgramEnvironments, type ScheduledEnablement, type ProgramEnvironments } from "./list-enablements";
export { getEnvironmentSchedule, environmentCalendar, type EnvironmentSchedule, type EnvironmentScheduleItem } from "./environment-schedule";
export {
  addBlackoutDate,
  cancelWindow,
  createOneOffWindow,
  createRecurrence,
  deactivateRecurrence,
  expandRecurrence,
  listBlackoutDates,
  listRecurrences,
  listWindows,
  materializeWindows,
  removeBlackoutDate,
  type ConcreteWindow,
  type RecurrenceInput,
  type RecurrenceSpec,
  type WindowView,
} from "./windows";
export { computeTruststore, publishTruststore, readPublishedTruststore, truststorePrefix, type ClientsJson, type PublishResult } from "./publish-truststore";
export { buildIcs, parseIcs, type IcsEvent } from "./ics";
export { formatInZone, isValidTimeZone, localDate, zonedToUtc } from "./time";
export { loadSchedulingSettings, schedulingSettingsFrom, DEFAULT_SCHEDULING_SETTINGS, type SchedulingSettings } from "./settings";
