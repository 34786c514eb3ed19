; Inno Setup script for the Jiafang (家访通) desktop app: packs the PyInstaller folder dist\jiafang into
; dist\jiafang-setup-<version>.exe. Build on Windows, from the repository root (see README, "Windows build"):
;
;   py -3.11 -m venv .venv && .venv\Scripts\pip install -e ".[dev]"
;   .venv\Scripts\python scripts\update_translations.py --release
;   .venv\Scripts\pyinstaller --noconfirm --clean installer.spec
;   dist\jiafang\jiafang.exe --smoke-test
;   "C:\Program Files (x86)\Inno Setup 6\ISCC.exe" /DAppVersion=0.1.0 installer\jiafang.iss
;
; Installs per machine into Program Files (a technician installs once for every teacher account); the data
; stays in each user's own data folder (%LOCALAPPDATA%\Jiafang), which uninstalling never touches.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "家访通 Jiafang"
#define SourceDir "..\dist\jiafang"

[Setup]
AppId={{5B0F3C1E-8E0B-4C63-9B43-3A5E4D0F7A21}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Jiafang
DefaultDirName={autopf}\Jiafang
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
OutputDir=..\dist
OutputBaseFilename=jiafang-setup-{#AppVersion}
Compression=lzma2/max
SolidCompression=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
PrivilegesRequired=admin
MinVersion=10.0
WizardStyle=modern
UninstallDisplayIcon={app}\jiafang-gui.exe
ShowLanguageDialog=auto

[Languages]
Name: "zh"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
Name: "en"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[Files]
; The whole onedir build: both executables, _internal\ (Python, Qt, resources\translations, resources\sample).
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\jiafang-gui.exe"
Name: "{group}\{cm:UninstallProgram,{#AppName}}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\jiafang-gui.exe"; Tasks: desktopicon

[Run]
; Prove the installed copy starts (offscreen, temporary database) before offering to launch it.
Filename: "{app}\jiafang.exe"; Parameters: "--smoke-test"; Flags: runhidden waituntilterminated; StatusMsg: "检查安装 / Checking the installation..."
Filename: "{app}\jiafang-gui.exe"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
