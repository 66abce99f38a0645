# Build the Windows installer of Huashu: PyInstaller folder, frozen self-test, Inno Setup installer.
# Run from any directory in Windows PowerShell 5.1 or PowerShell 7 on a 64-bit Windows 10/11 PC:
#     powershell -ExecutionPolicy Bypass -File packaging\windows\build_windows.ps1
# Needs: Python 3.11 (python.org installer, "py" launcher) and Inno Setup 6.3 or newer.
# Output: dist\huashu\ (portable folder) and dist\huashu-<version>-windows-x64-setup.exe
param(
    [string]$PythonVersion = "3.11",
    [switch]$SkipInstaller
)
$ErrorActionPreference = "Stop"
Set-Location (Resolve-Path (Join-Path $PSScriptRoot "..\.."))

function Invoke-Checked {
    param([string]$What, [scriptblock]$Command)
    Write-Host "[package] $What"
    & $Command
    if ($LASTEXITCODE -ne 0) { throw "$What failed (exit code $LASTEXITCODE)" }
}

$py = ".venv\Scripts\python.exe"
if (-not (Test-Path $py)) {
    Invoke-Checked "creating .venv with Python $PythonVersion" { py "-$PythonVersion" -m venv .venv }
}
Invoke-Checked "installing Huashu and PyInstaller into .venv" {
    & $py -m pip install --disable-pip-version-check -q -e . "pyinstaller>=6.6"
}

$watch = [Diagnostics.Stopwatch]::StartNew()
Invoke-Checked "PyInstaller (packaging\huashu.spec)" {
    & $py -m PyInstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build\pyinstaller packaging\huashu.spec
}
Write-Host ("[package] build took {0:N0} s" -f $watch.Elapsed.TotalSeconds)
$size = (Get-ChildItem dist\huashu -Recurse -File | Measure-Object -Sum Length).Sum / 1MB
Write-Host ("[package] dist\huashu: {0:N0} MB" -f $size)

# huashu-cli.exe is the console twin of huashu.exe (same files); the self-test runs offscreen.
Invoke-Checked "frozen self-test" { & dist\huashu\huashu-cli.exe --self-test }

if ($SkipInstaller) { exit 0 }
$iscc = @(
    (Join-Path $env:LOCALAPPDATA "Programs\Inno Setup 6\ISCC.exe"),
    (Join-Path ${env:ProgramFiles(x86)} "Inno Setup 6\ISCC.exe"),
    (Join-Path $env:ProgramFiles "Inno Setup 6\ISCC.exe")
) | Where-Object { $_ -and (Test-Path $_) } | Select-Object -First 1
if (-not $iscc) {
    $cmd = Get-Command ISCC.exe -ErrorAction SilentlyContinue
    if ($cmd) { $iscc = $cmd.Source }
}
if (-not $iscc) { throw "Inno Setup 6 (ISCC.exe) not found: install it from https://jrsoftware.org/isdl.php" }
Invoke-Checked "Inno Setup ($iscc)" { & $iscc /Q packaging\windows\huashu.iss }
Get-ChildItem dist\huashu-*-setup.exe | ForEach-Object {
    Write-Host ("[package] {0}  {1:N1} MB" -f $_.FullName, ($_.Length / 1MB))
}
