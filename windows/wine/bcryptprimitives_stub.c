/* Stand-in for Windows' system bcryptprimitives.dll, which Wine 8.0 lacks.
 *
 * Rust's standard library (Rust 1.78 and newer) takes random bytes from ProcessPrng in
 * bcryptprimitives.dll, so every Rust extension module imports it: pydantic-core, which the
 * REST API (FastAPI) needs, fails to load without it ("DLL load failed while importing
 * _pydantic_core"). Windows 10 has the real DLL in system32. Wine 8.0 has none.
 *
 * For the Wine-based CI build only: windows/wine-build.sh puts it in the Wine prefix's
 * system32 (never in the bundle; the script checks). ProcessPrng fills the buffer from
 * advapi32's RtlGenRandom (SystemFunction036), which Wine implements with the host's
 * random source.
 *
 *   x86_64-w64-mingw32-gcc -O2 -shared -s -o bcryptprimitives.dll bcryptprimitives_stub.c -ladvapi32
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG part = length > 0x40000000 ? 0x40000000 : (ULONG)length;
        if (!SystemFunction036(data, part))
            return FALSE;
        data += part;
        length -= part;
    }
    return TRUE;
}
