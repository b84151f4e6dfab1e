// CPU hints for the correlation engine's hot path; everything is inline in include/CVigilHints.h.
#include "CVigilHints.h"
