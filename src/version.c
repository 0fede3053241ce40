/* version.c — the library's version at run time (see gls.h). */
#include "glasstls/gls.h"

/* see gls.h */
const char *gls_version(void)
{
    return GLS_VERSION_STRING;
}
