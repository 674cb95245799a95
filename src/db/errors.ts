/**
 * Recognises a unique-constraint failure from either driver and names the index or column list that failed,
 * so callers can tell a duplicate document ID from a unique index violation.
 */
export function uniqueViolationTarget(error: unknown): string | null {
  const e = error as { code?: string; constraint?: string; message?: string };
  if (e?.code === '23505') return e.constraint ?? '';
  if (e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    // "UNIQUE constraint failed: c5._uid" or "... index 'c5_i3'"
    return /failed: (.*)$/.exec(e.message ?? '')?.[1] ?? '';
  }
  return null;
}

/** PostgreSQL's program_limit_exceeded (54000), e.g. a value too large for a btree index entry. */
export const isProgramLimitExceeded = (error: unknown): boolean => (error as { code?: string })?.code === '54000';
