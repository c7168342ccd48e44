<#
.SYNOPSIS
    Times the module against a hand-written deploy script over one `ssh` (bench/reference-deploy.sh), in one run
    against the sandbox, alternating, and prints medians and ratios.
.DESCRIPTION
    Both do the same job (the guide's app, a venv over the system's Flask, Debian's uWSGI, the service, the backend,
    an HTTP check through the frontend), each on a sandbox account of its own so they never share files or ports:
    the module on isabell (port 10900), the reference on isabell2 (port 10901).
      - no-op re-run, whole process: a fresh `pwsh` that imports the module, opens a session, runs the pipeline and
        Test-FlaskDeployment; against one `ssh` running the reference script.
      - fresh deploy, whole process: the same after removing the app, its service and its backend (not timed).
      - warm-session no-op: the pipeline again in a session that is already open (median of -Runs).
      - SSH exec/SFTP sessions per no-op, opening the session included, counted in the sandbox sshd's log.
      - the fixed costs of a fresh process: pwsh alone, with Import-Module, and with a session opened and closed.
      - Publish-FlaskApp: a first publish, a code-only change (venv reused) and an identical re-publish.
    With -Link, instead: Publish-FlaskApp over an internet-like link (tools/linksim.py, 50 ms round
    trip, 20 Mbit/s up, 50 down by default) against `rsync -a` of the same tree over one OpenSSH connection through
    the same link: a first publish of a project with 10 MB of incompressible static files and a one-file change,
    alternating, medians, and the remote commands of one publish (bench/publish-link.ps1).
    Run after a build, as root: dotnet pwsh ./build.ps1 Build; dotnet pwsh ./bench/compare.ps1 [-Link]
#>
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/UberspaceFlask/UberspaceFlask.psd1'),
    [int] $Runs = 5,
    [switch] $Link
)
$ErrorActionPreference = 'Stop'
$root = Split-Path $PSScriptRoot -Parent
$ModulePath = (Resolve-Path $ModulePath).Path
& bash (Join-Path $root 'tests/sandbox/install-deps.sh')
& bash (Join-Path $root 'tests/sandbox/sandbox.sh') start 2 | Out-Null
if ($LASTEXITCODE) { throw 'The sandbox did not start.' }
if ($Link) {
    & (Join-Path $PSScriptRoot 'publish-link.ps1') -ModulePath $ModulePath -Runs $Runs
    return
}
Import-Module (Join-Path $root 'tests/SandboxRunner.psm1') -Force
Import-Module $ModulePath -Force

Import-Module (Join-Path $PSScriptRoot 'Bench.psm1') -Force
function Invoke-AsRoot([string] $User, [string] $Command) {
    $h = (& getent passwd $User).Split(':')[5]
    & runuser -u $User -- env -i "HOME=$h" "PATH=$h/bin:/usr/bin:/bin" LANG=C.UTF-8 /bin/sh -c "cd; $Command" 2>&1 | Out-Null
}

$work = (New-Item -ItemType Directory (Join-Path ([IO.Path]::GetTempPath()) ("uf-bench-" + [guid]::NewGuid().ToString('N')))).FullName
try {
    $login = New-BenchLogin -Work $work -SandboxRoot (Get-SandboxRoot)
    $key = $login.Key; $pin = $login.Pin; $knownHosts = $login.KnownHosts; $sshdDir = $login.SshdDir
    $frontMod = Get-SandboxFrontendUrl -User isabell
    $frontRef = Get-SandboxFrontendUrl -User isabell2
    $pwshDll = Join-Path $PSHOME 'pwsh.dll'
    $moduleScript = Join-Path $PSScriptRoot 'module-deploy.ps1'
    $refScript = Join-Path $PSScriptRoot 'reference-deploy.sh'

    function Invoke-Module {
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $out = & dotnet $pwshDll -NoProfile -NonInteractive -File $moduleScript -ModulePath $ModulePath -KeyFile $key -Fingerprint $pin -FrontendUrl $frontMod 2>&1
        if ($LASTEXITCODE) { throw "The module's run failed: $out" }
        $sw.Elapsed.TotalSeconds
    }
    function Invoke-Reference {
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $out = Get-Content $refScript -Raw | & ssh -q -p 12222 -i $key -o BatchMode=yes -o StrictHostKeyChecking=yes -o "UserKnownHostsFile=$knownHosts" `
            isabell2@127.0.0.1 sh -s -- basic_flask 10901 $frontRef 2>&1
        if ($LASTEXITCODE) { throw "The reference run failed: $out" }
        $sw.Elapsed.TotalSeconds
    }
    function Reset-Deploy([string] $User, [int] $Port) {
        Invoke-AsRoot $User 'supervisorctl stop basic_flask; supervisorctl remove basic_flask; rm -rf basic_flask etc/services.d/basic_flask.ini; uberspace web backend del /'
    }

    # Warm both up once (first venv, first import), then alternate.
    Reset-Deploy isabell 10900; Reset-Deploy isabell2 10901
    $null = Invoke-Module; $null = Invoke-Reference
    $fresh = @{ Module = @(); Reference = @() }
    $noop = @{ Module = @(); Reference = @() }
    for ($i = 0; $i -lt $Runs; $i++) {
        $noop.Module += Invoke-Module
        $noop.Reference += Invoke-Reference
        Reset-Deploy isabell 10900; $fresh.Module += Invoke-Module
        Reset-Deploy isabell2 10901; $fresh.Reference += Invoke-Reference
    }

    # Fixed costs of a whole-process run, before any deploy work: a bare pwsh, pwsh with the module imported, and
    # that plus opening and closing a session (fresh processes, alternating, median of -Runs each).
    $fixedCode = [ordered]@{
        'pwsh alone' = 'exit 0'
        '+ Import-Module' = "Import-Module '$ModulePath'; exit 0"
        '+ New-UberspaceSession' = "Import-Module '$ModulePath'; `$s = New-UberspaceSession -HostName 127.0.0.1 -Port 12222 -UserName isabell -KeyFile '$key' -HostKeyFingerprint '$pin' -ErrorAction Stop; Remove-UberspaceSession `$s; exit 0"
    }
    $fixed = @{}
    foreach ($k in $fixedCode.Keys) { $fixed[$k] = @() }
    for ($i = 0; $i -lt $Runs; $i++) {
        foreach ($k in $fixedCode.Keys) {
            $sw = [Diagnostics.Stopwatch]::StartNew()
            $out = & dotnet $pwshDll -NoProfile -NonInteractive -Command $fixedCode[$k] 2>&1
            if ($LASTEXITCODE) { throw "The fixed-cost run '$k' failed: $out" }
            $fixed[$k] += $sw.Elapsed.TotalSeconds
        }
    }

    # The warm session: the pipeline again and again on an open session.
    $s = New-UberspaceSession -HostName 127.0.0.1 -Port 12222 -UserName isabell -KeyFile $key -HostKeyFingerprint $pin
    $pipeline = { New-FlaskApp -Name basic_flask -Session $s -Package @() -SystemSitePackages | New-UwsgiConfig -Port 10900 |
        Register-SupervisorService -Name basic_flask | Set-WebBackend -Path / }
    $null = & $pipeline
    $warm = @(1..([Math]::Max($Runs, 7)) | ForEach-Object {
        $sw = [Diagnostics.Stopwatch]::StartNew(); $r = & $pipeline; $t = $sw.Elapsed.TotalSeconds
        if ($r.Changed -contains $true) { throw 'The warm re-run changed something; it must be a no-op.' }
        $t })
    Remove-UberspaceSession $s

    # SSH sessions of one no-op, opening the session included.
    $log = Join-Path $sshdDir 'sshd.log'
    $before = @(Get-Content $log).Count
    $s = New-UberspaceSession -HostName 127.0.0.1 -Port 12222 -UserName isabell -KeyFile $key -HostKeyFingerprint $pin
    $null = & $pipeline
    Remove-UberspaceSession $s
    Start-Sleep -Milliseconds 300
    $lines = @(Get-Content $log | Select-Object -Skip $before)
    $exec = @($lines | Where-Object { $_ -match 'Starting session: command for isabell ' }).Count
    $sftp = @($lines | Where-Object { $_ -match "Starting session: subsystem 'sftp' for isabell " }).Count

    $rows = foreach ($kind in 'no-op re-run (whole process)', 'fresh deploy (whole process)') {
        $set = if ($kind -like 'no-op*') { $noop } else { $fresh }
        $m = Get-Median $set.Module; $r = Get-Median $set.Reference
        [pscustomobject]@{ Job = $kind; ModuleMedian = [Math]::Round($m, 2); ReferenceMedian = [Math]::Round($r, 2); Ratio = [Math]::Round($m / $r, 2); Runs = $Runs }
    }
    $rows | Format-Table -AutoSize | Out-String -Width 200 | Write-Host
    Write-Host ("warm-session no-op pipeline: median {0:0.000} s over {1} runs (all: {2})" -f (Get-Median $warm), $warm.Count, (($warm | ForEach-Object { $_.ToString('0.000') }) -join ' '))
    Write-Host "SSH sessions per no-op, opening the session included: $exec exec, $sftp SFTP ($($exec + $sftp) in all)"
    Write-Host ("fixed costs of a fresh process, medians: {0}" -f (($fixedCode.Keys | ForEach-Object { '{0} {1:0.00} s' -f $_, (Get-Median $fixed[$_]) }) -join ', '))
    Write-Host ("raw no-op module: {0}" -f (($noop.Module | ForEach-Object { $_.ToString('0.00') }) -join ' '))
    Write-Host ("raw no-op reference: {0}" -f (($noop.Reference | ForEach-Object { $_.ToString('0.00') }) -join ' '))
    Write-Host ("raw fresh module: {0}" -f (($fresh.Module | ForEach-Object { $_.ToString('0.00') }) -join ' '))
    Write-Host ("raw fresh reference: {0}" -f (($fresh.Reference | ForEach-Object { $_.ToString('0.00') }) -join ' '))

    # Publish-FlaskApp (issue 9) on the same account, under /shop so the comparison's backend stays: a first publish
    # (new app, new venv, pip), a code-only change (the venv must be reused: no pip, no new venv) and an identical
    # re-publish, each timed in a warm session.
    $project = Join-Path $work 'shop'
    Copy-Item (Join-Path $root 'tests/projects/shop') $project -Recurse
    $s = New-UberspaceSession -HostName 127.0.0.1 -Port 12222 -UserName isabell -KeyFile $key -HostKeyFingerprint $pin -FrontendUrl $frontMod
    $pub = @{ Path = $project; Session = $s; SystemSitePackages = $true; PipArgument = '--no-index'; WebPath = '/shop'; HealthPath = '/health'; ErrorAction = 'Stop' }
    function Measure-Publish([hashtable] $Extra, [string] $Expect) {
        $sw = [Diagnostics.Stopwatch]::StartNew(); $r = Publish-FlaskApp @pub @Extra; $t = $sw.Elapsed.TotalSeconds
        if ($r.Status -ne $Expect) { throw "Publish-FlaskApp returned $($r.Status), expected $Expect." }
        [pscustomobject]@{ Seconds = $t; Result = $r }
    }
    $firsts = @(1..3 | ForEach-Object { Measure-Publish @{ Name = "benchshop$_"; Port = 10910 + 2 * $_ } 'Deployed' })
    $codeOnly = @(1..$Runs | ForEach-Object {
        Set-Content (Join-Path $project 'shop/VERSION') "bench $_"
        # The last publish's cleanup (grace period, old slot stopped) runs on after it returned; a publish started
        # during it waits for it. Waited out here, untimed, so each run times one publish.
        $deadline = (Get-Date).AddSeconds(60)
        while ((Test-Path '/home/isabell/apps/benchshop1/lock') -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 50 }
        $m = Measure-Publish @{ Name = 'benchshop1' } 'Deployed'
        if (-not $m.Result.VenvReused -or $m.Result.PhaseSeconds.Keys -notcontains 'venv-and-import-gate') { throw 'A code-only change built a venv.' }
        $m })
    $identical = @(1..$Runs | ForEach-Object { Measure-Publish @{ Name = 'benchshop1' } 'Unchanged' })
    Remove-UberspaceSession $s
    $prow = foreach ($set in @(@{ Job = 'first publish (venv built, pip)'; Runs = $firsts }, @{ Job = 'code-only change (venv reused)'; Runs = $codeOnly }, @{ Job = 'identical re-publish (Unchanged)'; Runs = $identical })) {
        $phases = $set.Runs[-1].Result.PhaseSeconds
        [pscustomobject]@{
            Job = $set.Job; MedianSeconds = [Math]::Round((Get-Median ($set.Runs | ForEach-Object Seconds)), 2); Runs = $set.Runs.Count
            LastRunPhases = (($phases.Keys | ForEach-Object { "$_ $($phases[$_])" }) -join ', ')
        }
    }
    Write-Host ''
    Write-Host 'Publish-FlaskApp in a warm session (the grace period of 2 s runs on the host after each publish returns):'
    $prow | Format-Table -AutoSize -Wrap | Out-String -Width 200 | Write-Host
} finally {
    Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue
}
