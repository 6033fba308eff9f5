/* Stand-in for Windows' system icuuc.dll, which Wine 8.0 lacks and Qt6Core.dll imports.
 *
 * For the Wine-based CI build only (windows/wine-build.sh puts it in the Wine prefix's
 * system32, so PyInstaller never bundles it; the script checks the bundle has none).
 * Qt uses the system ICU only for QStringConverter's non-built-in codecs (ucnv_*). Every
 * "open" here fails with U_FILE_ACCESS_ERROR, so Qt treats such codecs as unavailable;
 * UTF-8/16 and Latin-1, Qt's built-in codecs, are unaffected. Real Windows 10 1903+ has
 * the real icuuc.dll in system32.
 *
 *   x86_64-w64-mingw32-gcc -O2 -shared -s -o icuuc.dll icuuc_stub.c
 */
#include <stddef.h>
typedef int UErrorCode;
#define U_FILE_ACCESS_ERROR 4
#define EXPORT __declspec(dllexport)
#define FAIL(err) do { if ((err) && *(err) <= 0) *(err) = U_FILE_ACCESS_ERROR; } while (0)

EXPORT void *ucnv_open(const char *name, UErrorCode *err) { FAIL(err); return NULL; }
EXPORT void ucnv_close(void *c) { }
EXPORT void ucnv_reset(void *c) { }
EXPORT signed char ucnv_getMaxCharSize(const void *c) { return 1; }
EXPORT const char *ucnv_getName(const void *c, UErrorCode *err) { FAIL(err); return NULL; }
EXPORT void ucnv_getToUCallBack(const void *c, void **a, const void **b) { if (a) *a = NULL; if (b) *b = NULL; }
EXPORT void ucnv_getFromUCallBack(const void *c, void **a, const void **b) { if (a) *a = NULL; if (b) *b = NULL; }
EXPORT void ucnv_setToUCallBack(void *c, void *n, const void *nc, void **o, const void **oc, UErrorCode *err) { FAIL(err); }
EXPORT void ucnv_setFromUCallBack(void *c, void *n, const void *nc, void **o, const void **oc, UErrorCode *err) { FAIL(err); }
EXPORT void ucnv_cbToUWriteUChars(void *a, const void *s, int l, int o, UErrorCode *err) { FAIL(err); }
EXPORT void ucnv_cbFromUWriteUChars(void *a, const void **s, const void *l, int o, UErrorCode *err) { FAIL(err); }
EXPORT void ucnv_toUnicode(void *c, void **t, const void *tl, const char **s, const char *sl, int *o, signed char f, UErrorCode *err) { FAIL(err); }
EXPORT void ucnv_fromUnicode(void *c, char **t, const char *tl, const void **s, const void *sl, int *o, signed char f, UErrorCode *err) { FAIL(err); }
EXPORT int ucnv_toUCountPending(const void *c, UErrorCode *err) { return 0; }
EXPORT int ucnv_fromUCountPending(const void *c, UErrorCode *err) { return 0; }
EXPORT const char *ucnv_getStandardName(const char *n, const char *s, UErrorCode *err) { return NULL; }
EXPORT const char *ucnv_getAvailableName(int n) { return NULL; }
EXPORT int ucnv_countAvailable(void) { return 0; }
EXPORT void UCNV_FROM_U_CALLBACK_SUBSTITUTE(const void *ctx, void *args, const void *cu, int len, int cp, int reason, UErrorCode *err) { }
EXPORT void UCNV_TO_U_CALLBACK_SUBSTITUTE(const void *ctx, void *args, const char *cb, int len, int reason, UErrorCode *err) { }
