; Inno Setup script: wraps the PyInstaller one-folder bundle into one Windows installer.
; Build on Windows after installer/build.sh (or its PowerShell equivalent): iscc installer\achats-durables.iss
[Setup]
AppName=Achats Durables
AppVersion=0.1.0
DefaultDirName={autopf}\Achats Durables
DefaultGroupName=Achats Durables
OutputBaseFilename=achats-durables-setup
Compression=lzma2
SolidCompression=yes
PrivilegesRequired=lowest

[Languages]
Name: "french"; MessagesFile: "compiler:Languages\French.isl"

[Files]
Source: "..\dist\achats-durables\*"; DestDir: "{app}"; Flags: recursesubdirs

[Icons]
Name: "{group}\Achats Durables"; Filename: "{app}\achats-durables.exe"; Parameters: "gui"
Name: "{autodesktop}\Achats Durables"; Filename: "{app}\achats-durables.exe"; Parameters: "gui"

[Run]
Filename: "{app}\achats-durables.exe"; Parameters: "selftest"; Flags: runhidden; StatusMsg: "Vérification de l'installation..."
