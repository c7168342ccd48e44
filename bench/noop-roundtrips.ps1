<#
.SYNOPSIS
    Counts the remote commands and SFTP requests of a no-op re-run of the four-step pipeline over SSH.
.DESCRIPTION
    Deploys the guide's app into the sandbox through a session, then runs the same pipeline again and counts, in the
    sandbox sshd's log (LogLevel VERBOSE, internal-sftp -l INFO), every exec session and every SFTP file operation
    that re-run caused. The goal (issue "Operate and diagnose"): at most 3. Exits 1 above that.
    Run after a build, as root: dotnet pwsh ./build.ps1 Build; dotnet pwsh ./bench/noop-roundtrips.ps1
#>
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/UberspaceFlask/UberspaceFlask.psd1'),
    [int] $Target = 3
)
$ErrorActionPreference = 'Stop'
$root = Split-Path $PSScriptRoot -Parent
& bash (Join-Path $root 'tests/sandbox/install-deps.sh')
& bash (Join-Path $root 'tests/sandbox/sandbox.sh') start | Out-Null
if ($LASTEXITCODE) { throw 'The sandbox did not start.' }
Import-Module (Join-Path $root 'tests/SandboxRunner.psm1') -Force
Import-Module $ModulePath -Force

$work = (New-Item -ItemType Directory (Join-Path ([IO.Path]::GetTempPath()) ("uf-bench-" + [guid]::NewGuid().ToString('N')))).FullName
try {
    $key = Join-Path $work 'id_ed25519'
    & ssh-keygen -q -t ed25519 -N '' -f $key
    Add-Content /home/isabell/.ssh/authorized_keys (Get-Content "$key.pub")
    $sshdDir = Join-Path (Get-SandboxRoot) 'sshd'
    $pin = ((& ssh-keygen -lf (Join-Path $sshdDir 'ssh_host_ed25519_key.pub')) -split ' ')[1]
    $log = Join-Path $sshdDir 'sshd.log'
    $s = New-UberspaceSession -HostName 127.0.0.1 -Port 12222 -UserName isabell -KeyFile $key -HostKeyFingerprint $pin
    $pipeline = {
        New-FlaskApp -Name basic_flask -Session $s -Package @() -SystemSitePackages |
            New-UwsgiConfig -Port 1024 | Register-SupervisorService -Name flask -StartSeconds 2 | Set-WebBackend -Path /
    }
    $sftpLog = '/home/isabell/logs/sftp-requests.log'
    function Get-LineCount([string] $Path) { if (Test-Path $Path) { @(Get-Content $Path).Count } else { 0 } }
    function Measure-RoundTrip([scriptblock] $Run) {
        $before = Get-LineCount $log
        $sftpBefore = Get-LineCount $sftpLog
        $result = & $Run
        Start-Sleep -Milliseconds 300   # let sshd and sftp-server flush their logs
        $lines = @(Get-Content $log | Select-Object -Skip $before)
        $commands = @($lines | Where-Object { $_ -match 'Starting session: command for isabell' }).Count
        $sftpSessions = @($lines | Where-Object { $_ -match "Starting session: subsystem 'sftp'" }).Count
        # sftp-server -l INFO logs one line per open, close, rename, setstat, remove, mkdir ... request.
        $sftpOps = if (Test-Path $sftpLog) { @(Get-Content $sftpLog | Select-Object -Skip $sftpBefore | Where-Object { $_ -match '^(open|close|opendir|closedir|rename|posix-rename|remove|set|mkdir|rmdir) ' }).Count } else { 0 }
        [pscustomobject]@{ Commands = $commands; SftpSessions = $sftpSessions; SftpRequests = $sftpOps; Total = $commands + $sftpOps; Result = $result }
    }
    $first = Measure-RoundTrip $pipeline
    $again = Measure-RoundTrip $pipeline
    Remove-UberspaceSession $s
    "first deploy : {0} commands, {1} SFTP requests ({2} SFTP connection(s))" -f $first.Commands, $first.SftpRequests, $first.SftpSessions
    "no-op re-run : {0} commands, {1} SFTP requests; changed: {2}" -f $again.Commands, $again.SftpRequests, (($again.Result.Changed | Sort-Object -Unique) -join ',')
    "no-op re-run round trips: $($again.Total) (target <= $Target)"
    if ($again.Result.Changed -contains $true) { Write-Error 'The re-run changed something; it must be a no-op.' }
    if ($again.Total -gt $Target) { exit 1 }
    exit 0
} finally {
    Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue
}
