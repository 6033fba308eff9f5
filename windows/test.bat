@echo off
rem Run the whole test suite: the same command as the README and CI (dev.py test).
setlocal
cd /d "%~dp0.."
py -3 dev.py test %*
exit /b %errorlevel%
