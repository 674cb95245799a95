/**
 * Datetimes as Appwrite accepts and returns them. Input is ISO 8601: a date, optionally followed by a time
 * (`T` or a space, minutes precision or finer) and an offset (`Z`, `±HH:MM`, `±HHMM`, `±HH`); no offset means
 * UTC. Output is always UTC at millisecond precision, `YYYY-MM-DDTHH:MM:SS.mmm+00:00`: fixed width with a
 * constant offset, so stored values sort lexically in time order.
 */

/** Epoch milliseconds, injectable so callers can pin "now". */
export type Clock = () => number;

const ISO_8601 =
  /^(?<year>\d{4})-(?<month>\d{2})-(?<day>\d{2})(?:[T ](?<hour>\d{2}):(?<minute>\d{2})(?::(?<second>\d{2})(?:[.,](?<fraction>\d+))?)?(?:Z|(?<sign>[+-])(?<offsetHours>\d{2})(?::?(?<offsetMinutes>\d{2}))?)?)?$/i;

/** Epoch milliseconds of a UTC wall time; unlike Date.UTC, years 0-99 are taken literally. */
function utcMs(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, ms = 0): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, ms);
  return date.getTime();
}

// Appwrite's range for stored datetimes: years 0000 to 9999, in UTC.
const EARLIEST_MS = utcMs(0, 1, 1);
const LATEST_MS = utcMs(9999, 12, 31, 23, 59, 59, 999);

function daysInMonth(year: number, month: number): number {
  // Day 0 of the next month is the last day of this one.
  return new Date(utcMs(year, month + 1, 0)).getUTCDate();
}

/** The input as a normalized UTC datetime, or null when it is not a valid ISO 8601 datetime in range. */
export function normalizeDatetime(input: string): string | null {
  const parts = ISO_8601.exec(input)?.groups;
  if (!parts) return null;
  const year = Number(parts.year);
  const month = Number(parts.month);
  const day = Number(parts.day);
  const hour = Number(parts.hour ?? 0);
  const minute = Number(parts.minute ?? 0);
  const second = Number(parts.second ?? 0);
  // Appwrite keeps milliseconds: further fraction digits are cut, not rounded (PHP's "v" format).
  const ms = Number((parts.fraction ?? '').padEnd(3, '0').slice(0, 3));
  const offsetHours = Number(parts.offsetHours ?? 0);
  const offsetMinutes = Number(parts.offsetMinutes ?? 0);

  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59 || offsetHours > 23 || offsetMinutes > 59) return null;

  const offsetMs = (parts.sign === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000;
  const utc = utcMs(year, month, day, hour, minute, second, ms) - offsetMs;
  if (utc < EARLIEST_MS || utc > LATEST_MS) return null;
  return formatDatetime(new Date(utc));
}

/** Appwrite's output format. The date must lie within years 0000-9999 (toISOString widens other years). */
export function formatDatetime(date: Date): string {
  return `${date.toISOString().slice(0, -1)}+00:00`;
}

export function nowIso(clock: Clock = Date.now): string {
  return formatDatetime(new Date(clock()));
}
