#ifndef C360_CMARK_SHIM_H
#define C360_CMARK_SHIM_H
#include <cmark.h>
#endif
