// libxml2 is built with ICU on Debian; its encoding header would pull ICU types that clash with
// Foundation's copy. We never allocate xmlCharEncodingHandler, so switching the ICU part off is safe.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/xmlerror.h>
