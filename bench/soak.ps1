<#
.SYNOPSIS
    The soak: -Count publishes in one session, two versions alternating, an Undo-FlaskDeployment every tenth, under a
    request loop through the frontend. Prints failed requests, the time per publish (median), the client's memory
    after 5 and after -Count, the releases and venvs left, the uWSGI processes of the app and the processes left
    under the connection's sshd.
.DESCRIPTION
    tests/Faults.Tests.ps1 runs a short version of this (ten publishes) in CI. Run after a build, as root:
    dotnet pwsh ./build.ps1 Build; dotnet pwsh ./bench/soak.ps1
#>
param(
    [string] $ModulePath = (Join-Path (Split-Path $PSScriptRoot -Parent) 'out/UberspaceFlask/UberspaceFlask.psd1'),
    [int] $Count = 50
)
$ErrorActionPreference = 'Stop'
$root = Split-Path $PSScriptRoot -Parent
Import-Module (Join-Path $root 'tests/SandboxRunner.psm1') -Force
Import-Module (Join-Path $root 'tests/PublishRig.psm1') -Force
Import-Module (Join-Path $PSScriptRoot 'Bench.psm1') -Force
& bash (Join-Path $root 'tests/sandbox/sandbox.sh') start | Out-Null
Import-Module $ModulePath -Force

$work = (New-Item -ItemType Directory (Join-Path ([IO.Path]::GetTempPath()) ("uf-soak-" + [guid]::NewGuid().ToString('N')))).FullName
$app = 'soak'
try {
    $login = New-BenchLogin -Work $work -SandboxRoot (Get-SandboxRoot)
    $project = Join-Path $work 'soak'
    Copy-Item (Join-Path $root 'tests/projects/shop') $project -Recurse
    $frontend = Get-SandboxFrontendUrl -User isabell
    $s = New-UberspaceSession -HostName 127.0.0.1 -Port 12222 -UserName isabell -KeyFile $login.Key -HostKeyFingerprint $login.Pin -FrontendUrl $frontend
    $pub = @{ Name = $app; Path = $project; Session = $s; SystemSitePackages = $true; PipArgument = '--no-index'; HealthPath = '/health'
        WebPath = '/soak'; Port = 10580; GraceSeconds = 0; ErrorAction = 'Stop' }
    Set-Content (Join-Path $project 'shop/VERSION') 'first'
    $null = Publish-FlaskApp @pub
    Wait-Cleanup -App $app

    $loop = Start-RequestLoop -Url "$frontend/soak/" -WorkDir $work
    $times = @(); $undos = @(); $memory = @{}
    try {
        for ($i = 1; $i -le $Count; $i++) {
            $sw = [Diagnostics.Stopwatch]::StartNew()
            if ($i % 10 -eq 0) {
                $r = Undo-FlaskDeployment -Name $app -Session $s -GraceSeconds 0 -ErrorAction Stop
                if ($r.Status -ne 'Restored') { throw "Undo $i returned $($r.Status)." }
                $undos += $sw.Elapsed.TotalSeconds
            } else {
                Set-Content (Join-Path $project 'shop/VERSION') ($(if ($i % 2) { 'odd' } else { 'even' }))
                $r = Publish-FlaskApp @pub
                if ($r.Status -ne 'Deployed') { throw "Publish $i returned $($r.Status)." }
                $times += $sw.Elapsed.TotalSeconds
            }
            if ($i -eq 5 -or $i % 10 -eq 0 -or $i -eq $Count) {
                [GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect()
                $me = [Diagnostics.Process]::GetCurrentProcess()
                $memory[$i] = [pscustomobject]@{
                    After = $i; Managed = [GC]::GetTotalMemory($true); Committed = [GC]::GetGCMemoryInfo().TotalCommittedBytes
                    WorkingSet = $me.WorkingSet64; Private = $me.PrivateMemorySize64
                }
            }
        }
        $children = @(& pgrep -u isabell -x sshd | ForEach-Object { & pgrep -P $_ })
    } finally { $codes = Stop-RequestLoop $loop }
    Wait-Cleanup -App $app
    $settled = Get-PublishedApp -App $app -WebPath '/soak'
    $idle = if ($settled.Slot -eq 'a') { 'b' } else { 'a' }
    $failed = @($codes | Where-Object { $_ -ne '200' })
    $appRoot = "/home/isabell/apps/$app"
    [pscustomobject]@{
        Publishes              = $Count - $undos.Count
        Undos                  = $undos.Count
        Requests               = $codes.Count
        FailedRequests         = $failed.Count
        PublishMedianSeconds   = [math]::Round((Get-Median $times), 2)
        UndoMedianSeconds      = [math]::Round((Get-Median $undos), 2)
        ManagedMBAfter5        = [math]::Round($memory[5].Managed / 1MB, 1)
        ManagedMBAfterAll      = [math]::Round($memory[$Count].Managed / 1MB, 1)
        WorkingSetMBAfter5     = [math]::Round($memory[5].WorkingSet / 1MB, 1)
        WorkingSetMBAfterAll   = [math]::Round($memory[$Count].WorkingSet / 1MB, 1)
        Releases               = @(Get-ChildItem "$appRoot/releases" -Directory).Count
        Venvs                  = @(Get-ChildItem "$appRoot/venvs" -Directory).Count
        SlotsRunning           = $settled.Running -join ','
        IdleSlotUwsgiProcesses = @(& pgrep -u isabell -f "apps/$app/slot-$idle.ini").Count
        ProcessesUnderSshd     = $children.Count
    } | Format-List
    # The client's memory along the way (MB): the managed heap after a full collection, what the GC holds committed,
    # the working set and the private bytes of this process.
    $memory.Values | Sort-Object After | ForEach-Object {
        [pscustomobject]@{ After = $_.After; ManagedMB = [math]::Round($_.Managed / 1MB, 1); CommittedMB = [math]::Round($_.Committed / 1MB, 1)
            WorkingSetMB = [math]::Round($_.WorkingSet / 1MB, 1); PrivateMB = [math]::Round($_.Private / 1MB, 1) }
    } | Format-Table | Out-String | Write-Output
    Remove-UberspaceSession $s
} finally {
    Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue
}
