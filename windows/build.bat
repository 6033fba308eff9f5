@echo off
rem Build the Windows program: dist\Notifier\Notifier.exe (windowed) and notifier-cli.exe
rem (console) in one folder, then run both executables' self-tests against the bundle.
rem If Inno Setup 6 is installed, also build the installer (dist\Notifier-Setup-<version>.exe).
setlocal
cd /d "%~dp0.."
py -3 dev.py build
if errorlevel 1 (
  echo The build or its self-test failed; see above.
  exit /b 1
)
rem ISCC is Inno Setup's command-line compiler; the default install folder is tried first.
set ISCC="%ProgramFiles(x86)%\Inno Setup 6\ISCC.exe"
if not exist %ISCC% set ISCC=iscc
for /f "usebackq delims=" %%v in (`.venv\Scripts\python -c "import notifier_gui; print(notifier_gui.__version__)"`) do set VERSION=%%v
%ISCC% /DAppVersion=%VERSION% windows\installer.iss
if errorlevel 1 echo Inno Setup not found or failed: the bundle in dist\Notifier is still usable.
exit /b 0
