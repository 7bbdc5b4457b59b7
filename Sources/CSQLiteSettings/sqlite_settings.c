#include <sqlite3.h>
#include "sqlite_settings.h"

int ruralstat_sqlite_configure(void) {
    int threading = sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
    int memory = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return threading == SQLITE_OK && memory == SQLITE_OK ? 0 : 1;
}
