; Inno Setup script for Notifier (https://jrsoftware.org/isinfo.php).
; Compile with windows\build.bat, or: ISCC /DAppVersion=0.1.0 windows\installer.iss
; (windows/wine-build.sh compiles it under Wine with /DBundleDir=<its bundle> /O<its folder>).
;
; Why per-user: operators rarely have administrator rights, and the program keeps its
; data in %LOCALAPPDATA% anyway. Installing under %LOCALAPPDATA%\Programs needs no UAC prompt.
; Why the uninstaller keeps the data: the database holds the operator's recipients and the
; delivery history; removing the program must not remove them unless they ask: the
; uninstaller asks (default: keep), and a silent uninstall removes them only when given
; /DELETEDATA (unins000.exe /VERYSILENT /DELETEDATA). Installing over an older version
; never touches them either.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#ifndef BundleDir
  #define BundleDir "..\dist\Notifier"
#endif

[Setup]
; A fixed AppId lets later versions upgrade this installation in place.
AppId={{6C1D7A0E-3B54-4C0A-9E43-0D2B6A8F5E11}
AppName=Notifier
AppVersion={#AppVersion}
AppPublisher=Notifier
DefaultDirName={localappdata}\Programs\Notifier
DefaultGroupName=Notifier
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
OutputDir=..\dist
OutputBaseFilename=Notifier-Setup-{#AppVersion}
SetupIconFile=..\resources\icon\icon.ico
UninstallDisplayIcon={app}\Notifier.exe
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible

[Languages]
Name: "en"; MessagesFile: "compiler:Default.isl"
Name: "ru"; MessagesFile: "compiler:Languages\Russian.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
; The whole one-folder bundle produced by PyInstaller (dev.py build).
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\Notifier"; Filename: "{app}\Notifier.exe"
Name: "{group}\Uninstall Notifier"; Filename: "{uninstallexe}"
Name: "{autodesktop}\Notifier"; Filename: "{app}\Notifier.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\Notifier.exe"; Description: "{cm:LaunchProgram,Notifier}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Only what the program itself may leave next to the executables. The operator's data
; (%LOCALAPPDATA%\notifier-gui: database, logs, outbox) is deliberately not listed.
Type: filesandordirs; Name: "{app}\__pycache__"

[Code]
// /DELETEDATA on the uninstaller's command line: remove the operator's data without asking
// (for scripted and silent uninstalls, where no question can be asked).
function DeleteDataRequested(): Boolean;
var
  I: Integer;
begin
  Result := False;
  for I := 1 to ParamCount do
    if CompareText(ParamStr(I), '/DELETEDATA') = 0 then
      Result := True;
end;

// Offer, not force, removal of the operator's data when uninstalling. A silent uninstall
// keeps it unless /DELETEDATA was given.
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  DataDir: String;
  RemoveData: Boolean;
begin
  if CurUninstallStep = usPostUninstall then
  begin
    DataDir := ExpandConstant('{localappdata}\notifier-gui');
    if DirExists(DataDir) then
    begin
      RemoveData := DeleteDataRequested();
      if (not RemoveData) and (not UninstallSilent()) then
        RemoveData := MsgBox('Also delete the Notifier database, logs and outbox in ' + DataDir + '?' + #13#10 +
                         'Choose No to keep them for a later installation.',
                         mbConfirmation, MB_YESNO or MB_DEFBUTTON2) = IDYES;
      if RemoveData then
        DelTree(DataDir, True, True, True);
    end;
  end;
end;
