// GLPK, the GNU Linear Programming Kit (Debian: libglpk-dev, which ships no pkg-config file,
// hence a plain system header). Used by the statistical-confidentiality audit.
#include <glpk.h>
