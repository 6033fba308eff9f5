; Inno Setup script for Notifier (https://jrsoftware.org/isinfo.php).
; Compile with windows\build.bat, or: ISCC /DAppVersion=0.1.0 windows\installer.iss
;
; Why per-user: operators rarely have administrator rights, and the program keeps its
; data in %LOCALAPPDATA% anyway. Installing under %LOCALAPPDATA%\Programs needs no UAC prompt.
; Why the uninstaller keeps the data: the database holds the operator's recipients and the
; delivery history; removing the program must not remove them unless they ask (a checkbox
; on the last page of the uninstaller would be the place; by default nothing is deleted).

#ifndef AppVersion
  #define AppVersion "0.1.0"
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
SetupIconFile=..\notifier_gui\resources\icon.ico
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
Source: "..\dist\Notifier\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

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
// Offer, not force, removal of the operator's data when uninstalling.
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  DataDir: String;
begin
  if CurUninstallStep = usPostUninstall then
  begin
    DataDir := ExpandConstant('{localappdata}\notifier-gui');
    if DirExists(DataDir) then
      if MsgBox('Also delete the Notifier database, logs and outbox in ' + DataDir + '?' + #13#10 +
                'Choose No to keep them for a later installation.',
                mbConfirmation, MB_YESNO or MB_DEFBUTTON2) = IDYES then
        DelTree(DataDir, True, True, True);
  end;
end;
