#ifndef C360_REGLAGES_SQLITE_H
#define C360_REGLAGES_SQLITE_H

/// Process-wide SQLite settings, applied once before the first connection opens.
/// `sqlite3_config` is a variadic C function, which Swift cannot call: hence this shim.
/// Returns 0 (SQLITE_OK) on success.
int c360_reglages_sqlite(void);

#endif
