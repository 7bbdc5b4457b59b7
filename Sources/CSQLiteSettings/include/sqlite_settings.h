#ifndef RURALSTAT_SQLITE_SETTINGS_H
#define RURALSTAT_SQLITE_SETTINGS_H

/// Sets SQLite's process-wide options before any connection opens: multi-thread mode (GRDB never
/// shares a connection between threads, so SQLite's own per-call mutex only costs) and no memory
/// statistics (a global mutex around every allocation). sqlite3_config is variadic, which Swift
/// cannot call: hence this shim. Returns 0 when both took effect (they cannot once SQLite started).
int ruralstat_sqlite_configure(void);

#endif
