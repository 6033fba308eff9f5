@echo off
rem Start Notifier from source: creates .venv on the first run, installs, opens the window.
rem Needs Python 3.11 or newer from python.org (the "py" launcher comes with it).
rem Everything is done by dev.py so this file and the Linux/macOS command stay the same.
setlocal
cd /d "%~dp0.."
py -3 dev.py run %*
if errorlevel 1 pause
