// The scanner is inline in its header, so that Swift's optimiser inlines it into the CSV reader's loop.
#include "byte_scan.h"
