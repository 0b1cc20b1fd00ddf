// The system zlib, used to inflate deflated .npz entries.
#include <zlib.h>
