// libxlsxwriter (Debian libxlsxwriter-dev), the maintained C library that writes the XLSX tables.
#include <xlsxwriter.h>
