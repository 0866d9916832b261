; Inno Setup 6 script: the Windows installer of Achats Durables, made from the PyInstaller folder.
; Build on Windows (README.md, developer section): PyInstaller with installer\achats-durables.spec
; gives dist\achats-durables\, then, from the project folder:
;   iscc /DAppVersion=0.1.0 installer\achats-durables.iss
; which writes dist\achats-durables-VERSION-installation.exe. Paths are relative to this file.
;
; For a town hall without IT staff: installs for the current user only (no administrator rights,
; in %LOCALAPPDATA%\Programs), wizard in French, Start-menu and desktop shortcuts, .sqlite files
; open with the app. The uninstaller removes only what it installed: no [UninstallDelete], so the
; databases (wherever the user saved them) and the backups (%LOCALAPPDATA%\AchatsDurables) stay.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "Achats Durables"
#define AppExe "achats-durables.exe"
#define Bundle "..\dist\achats-durables"

#if !FileExists(AddBackslash(SourcePath) + Bundle + "\" + AppExe)
  #error Construisez d'abord le dossier dist\achats-durables avec PyInstaller (README.md, section développeurs).
#endif

[Setup]
; The AppId identifies the application across versions (upgrades, uninstall): never change it.
AppId={{B5F4ED07-2548-499C-A5D4-544582E9F163}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppName}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
ChangesAssociations=yes
CloseApplications=yes
OutputDir=..\dist
OutputBaseFilename=achats-durables-{#AppVersion}-installation
SetupIconFile=..\resources\icons\achats-durables.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
WizardStyle=modern
ShowLanguageDialog=no
Compression=lzma2/max
SolidCompression=yes

[Languages]
Name: "french"; MessagesFile: "compiler:Languages\French.isl"

[CustomMessages]
french.Association=Ouvrir les bases de données (.sqlite) avec Achats Durables
french.Files=Fichiers :
french.Checking=Vérification de l'installation...
french.CheckFailed=La vérification de l'installation a échoué. Relancez l'installation ; si le problème persiste, ouvrez une invite de commandes dans le dossier d'installation et tapez « achats-durables-cli selftest » pour voir le détail.

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"
Name: "association"; Description: "{cm:Association}"; GroupDescription: "{cm:Files}"

[InstallDelete]
; An update replaces the program's own folder whole, so no module of the previous version lingers.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#Bundle}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; Comment: "Registre des marchés, cotation SPASER, clauses et mutualisation"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Registry]
; Per-user file association (HKA is HKEY_CURRENT_USER for a per-user install). Uninstall removes
; the keys and values written here, never a file.
Root: HKA; Subkey: "Software\Classes\AchatsDurables.Base"; ValueType: string; ValueName: ""; ValueData: "Base Achats Durables"; Flags: uninsdeletekey; Tasks: association
Root: HKA; Subkey: "Software\Classes\AchatsDurables.Base\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe},0"; Tasks: association
Root: HKA; Subkey: "Software\Classes\AchatsDurables.Base\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""; Tasks: association
Root: HKA; Subkey: "Software\Classes\.sqlite"; ValueType: string; ValueName: ""; ValueData: "AchatsDurables.Base"; Flags: uninsdeletevalue; Tasks: association
Root: HKA; Subkey: "Software\Classes\.sqlite\OpenWithProgids"; ValueType: string; ValueName: "AchatsDurables.Base"; ValueData: ""; Flags: uninsdeletevalue; Tasks: association
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".sqlite"; ValueData: ""; Flags: uninsdeletekey

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[Code]
// The self-test of the installed copy (console executable, hidden): a broken install is reported
// before the user meets it, instead of a program that does not start.
procedure CurStepChanged(CurStep: TSetupStep);
var
  ResultCode: Integer;
begin
  if CurStep = ssPostInstall then
  begin
    WizardForm.StatusLabel.Caption := CustomMessage('Checking');
    if not Exec(ExpandConstant('{app}\achats-durables-cli.exe'), 'selftest', '', SW_HIDE,
                ewWaitUntilTerminated, ResultCode) or (ResultCode <> 0) then
      SuppressibleMsgBox(CustomMessage('CheckFailed'), mbError, MB_OK, IDOK);
  end;
end;
