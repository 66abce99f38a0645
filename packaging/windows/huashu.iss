; Inno Setup script for 话术助手 Huashu (Windows, per-user install without admin rights).
; Needs Inno Setup 6.3 or newer (x64compatible). Build the PyInstaller folder first, then:
;     "%LOCALAPPDATA%\Programs\Inno Setup 6\ISCC.exe" packaging\windows\huashu.iss
; or packaging\windows\build_windows.ps1, which does both. Optional defines:
;     /DDistDir=path\to\dist\huashu        the PyInstaller onedir folder (default: ..\..\dist\huashu)
;     /DPreloadFile=path\to\company.json   installed as {app}\huashu.preload.json (default:
;                                          packaging\huashu.preload.json when it exists)
;     /DAppVersion=1.2.3                   default: read from huashu.exe's version resource
; This file is UTF-8 with a BOM so that every Inno Setup 6 release reads the Chinese text.

#define AppName "话术助手"
#define AppNameAscii "Huashu"
#define AppExe "huashu.exe"
#define AppCliExe "huashu-cli.exe"
#define AssocExt ".huashu"
#define AssocKey "Huashu.Pack"

#define RepoDir AddBackslash(SourcePath) + "..\.."
#ifndef DistDir
  #define DistDir RepoDir + "\dist\huashu"
#endif
#if !FileExists(AddBackslash(DistDir) + AppExe)
  #error "dist\huashu\huashu.exe not found: build it first with PyInstaller (see docs\INSTALL.md)"
#endif
#ifndef AppVersion
  #define AppVersion GetVersionNumbersString(AddBackslash(DistDir) + AppExe)
#endif
#ifndef PreloadFile
  #define PreloadFile RepoDir + "\packaging\huashu.preload.json"
#endif
#if FileExists(AddBackslash(CompilerPath) + "Languages\ChineseSimplified.isl")
  #define ChineseMessages "compiler:Languages\ChineseSimplified.isl"
#elif FileExists(AddBackslash(SourcePath) + "ChineseSimplified.isl")
  #define ChineseMessages AddBackslash(SourcePath) + "ChineseSimplified.isl"
#endif

[Setup]
; AppId identifies the app for upgrades and uninstall; never change it.
AppId={{D6C35439-6451-478A-BD47-356E505E496D}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppNameAscii}
VersionInfoVersion={#AppVersion}
VersionInfoProductName={#AppName} {#AppNameAscii}
; Per-user install: no UAC prompt; {autopf} is %LOCALAPPDATA%\Programs. An administrator deploying
; for every user of a PC runs the installer with /ALLUSERS (Program Files, HKLM).
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=commandline
DefaultDirName={autopf}\{#AppNameAscii}
DisableProgramGroupPage=yes
UninstallDisplayName={#AppName}
UninstallDisplayIcon={app}\{#AppExe}
SetupIconFile={#RepoDir}\build\icons\huashu.ico
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0.17763
ChangesAssociations=yes
; Upgrades close a running 话术助手 first (Restart Manager), so no file is in use.
CloseApplications=yes
WizardStyle=modern
ShowLanguageDialog=no
Compression=lzma2/max
SolidCompression=yes
OutputDir={#RepoDir}\dist
OutputBaseFilename=huashu-{#AppVersion}-windows-x64-setup

[Languages]
#ifdef ChineseMessages
Name: "chinesesimplified"; MessagesFile: "{#ChineseMessages}"
#endif
Name: "english"; MessagesFile: "compiler:Default.isl"

[CustomMessages]
english.AssocTask=Open .huashu phrase packs with {#AppName}
english.AutoStartTask=Start {#AppName} when I sign in to Windows
english.OtherTasks=Other options:
english.PackType=Huashu phrase pack
#ifdef ChineseMessages
chinesesimplified.AssocTask=双击 .huashu 话术包时用{#AppName}打开
chinesesimplified.AutoStartTask=登录 Windows 后自动启动{#AppName}
chinesesimplified.OtherTasks=其他选项：
chinesesimplified.PackType=话术包
#endif

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"
Name: "assoc"; Description: "{cm:AssocTask}"; GroupDescription: "{cm:OtherTasks}"
Name: "autostart"; Description: "{cm:AutoStartTask}"; GroupDescription: "{cm:OtherTasks}"; Flags: unchecked

[Files]
Source: "{#DistDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
#if FileExists(PreloadFile)
; The company's trusted key and channel, so agents start with zero configuration.
Source: "{#PreloadFile}"; DestDir: "{app}"; DestName: "huashu.preload.json"; Flags: ignoreversion
#endif

[InstallDelete]
; A new version's onedir folder replaces the old one completely (stale DLLs would be loaded).
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; Comment: "{#AppNameAscii}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon
Name: "{autostartup}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: autostart

[Registry]
; .huashu packs: double-click runs `huashu.exe "<file>"`, which hands the pack to the running window.
; HKA is HKCU in a per-user install and HKLM with /ALLUSERS.
Root: HKA; Subkey: "Software\Classes\{#AssocExt}\OpenWithProgids"; ValueType: string; ValueName: "{#AssocKey}"; ValueData: ""; Flags: uninsdeletevalue; Tasks: assoc
Root: HKA; Subkey: "Software\Classes\{#AssocExt}"; ValueType: string; ValueName: "Content Type"; ValueData: "application/x-huashu-pack"; Flags: uninsdeletevalue; Tasks: assoc
Root: HKA; Subkey: "Software\Classes\{#AssocKey}"; ValueType: string; ValueName: ""; ValueData: "{cm:PackType}"; Flags: uninsdeletekey; Tasks: assoc
Root: HKA; Subkey: "Software\Classes\{#AssocKey}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe},0"; Tasks: assoc
Root: HKA; Subkey: "Software\Classes\{#AssocKey}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""; Tasks: assoc
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: "{#AssocExt}"; ValueData: ""; Flags: uninsdeletekey; Tasks: assoc
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}"; ValueType: string; ValueName: "FriendlyAppName"; ValueData: "{#AppName}"; Flags: uninsdeletekey; Tasks: assoc

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

; The library and settings in %LOCALAPPDATA%\huashu belong to the agent and are kept on uninstall.
