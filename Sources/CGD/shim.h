// libgd with FreeType text; the include path comes from pkg-config `gdlib`.
#include <gd.h>
#include <gdfontt.h>
