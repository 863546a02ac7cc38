#include <sqlite3.h>
#include "reglages_sqlite.h"

int c360_reglages_sqlite(void) {
    /* No global memory statistics: with them, every allocation of every connection takes one
       process-wide mutex, and two threads computing indicators spent a fifth of their time
       waiting for it. The observatory never reads these statistics. */
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
