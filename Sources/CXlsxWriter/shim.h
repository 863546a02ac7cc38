#ifndef C360_XLSXWRITER_SHIM_H
#define C360_XLSXWRITER_SHIM_H
#include <xlsxwriter.h>
#endif
