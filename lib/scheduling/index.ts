/** Enablement scheduling: windows, rules, activation's trust store publication, revocation (see docs/scheduling.md). */
export { scheduleEnablement, type ScheduleInput, type ScheduleResult } from "./schedule-enablement";
export { rescheduleEnablement } from "./reschedule-enablement";
export { cancelEnablement } from "./cancel-enablement";
export { revokeCertificate, REVOCATION_REASONS, type RevocationReason, type RevokeResult } from "./revoke-certificate";
export { listReadyToSchedule, type ReadyItem } from "./ready-to-schedule";
export { listScheduledEnablements, listProgramEnvironments, listSchedulingApps, type ScheduledEnablement, type ProgramEnvironments, type SchedulingApp } from "./list-enablements";
export { checkEligibility, type Eligibility, type EligibilityFacts, type EligibilityWindow } from "./eligibility";
export { listWindowBookings, windowChoices, type WindowBooking, type WindowChoice, type WindowChoices } from "./window-choices";
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
export { formatDay, formatInZone, formatInZones, isValidTimeZone, localDate, zonedToUtc } from "./time";
export { loadSchedulingSettings, schedulingSettingsFrom, DEFAULT_SCHEDULING_SETTINGS, type SchedulingSettings } from "./settings";
