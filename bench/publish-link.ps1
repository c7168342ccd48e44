<#
.SYNOPSIS
    Publish-FlaskApp over an internet-like link against `rsync -a` of the same tree over one OpenSSH connection
    through the same link, alternating, medians; and the remote commands one publish runs.
.DESCRIPTION
    The link is tools/linksim.py (the project's link simulator) in front of the sandbox's sshd:
    -DelayMs one way (the round trip is twice that), -UpMbit and -DownMbit. The project is tests/projects/shop plus
    -StaticMB of incompressible static files (random bytes in 512 KiB files, as images and fonts are).
      - first publish: a new app each run (venv over the system's Flask, no pip); its upload phase against rsync of
        the tree into an empty folder. The whole publish is printed too.
      - one-file change, whole publish in a warm session, against rsync of the same change (copy only). The
        cleanup of the run before (the old slot's grace period and stop, detached on the host) is waited out first,
        untimed: it does not hold up the client, but a publish right after would wait for its lock.
      - the same one-file change on loopback (no proxy).
      - remote commands of one one-file publish, counted in the sandbox sshd's log, and named from -Verbose.
    Called by compare.ps1 -Link; run after a build, as root.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [int] $Runs = 5,
    [double] $DelayMs = 25,
    [double] $UpMbit = 20,
    [double] $DownMbit = 50,
    [int] $StaticMB = 10
)
$ErrorActionPreference = 'Stop'
$root = Split-Path $PSScriptRoot -Parent
Import-Module (Join-Path $root 'tests/SandboxRunner.psm1') -Force
Import-Module $ModulePath -Force

Import-Module (Join-Path $PSScriptRoot 'Bench.psm1') -Force
Import-Module (Join-Path $root 'tests/PublishRig.psm1') -Force

$work = (New-Item -ItemType Directory (Join-Path ([IO.Path]::GetTempPath()) ("uf-benchlink-" + [guid]::NewGuid().ToString('N')))).FullName
$proxyPort = 12224
$proxy = Start-LinkSimulator -ListenPort $proxyPort -DelayMs $DelayMs -UpMbit $UpMbit -DownMbit $DownMbit
try {
    $login = New-BenchLogin -Work $work -SandboxRoot (Get-SandboxRoot) -Port $proxyPort
    $key = $login.Key; $pin = $login.Pin; $knownHosts = $login.KnownHosts; $sshdDir = $login.SshdDir
    $ssh = "ssh -p $proxyPort -i $key -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile=$knownHosts"

    $project = Join-Path $work 'shop'
    Copy-Item (Join-Path $root 'tests/projects/shop') $project -Recurse
    $static = New-Item -ItemType Directory (Join-Path $project 'shop/static/media')
    $rng = [Random]::new(42)
    for ($i = 0; $i -lt $StaticMB * 2; $i++) {
        $bytes = [byte[]]::new(512KB); $rng.NextBytes($bytes)
        [IO.File]::WriteAllBytes((Join-Path $static "asset$i.bin"), $bytes)
    }
    $treeBytes = (Get-ChildItem $project -Recurse -File | Measure-Object Length -Sum).Sum
    $frontend = Get-SandboxFrontendUrl -User isabell
    $linked = New-UberspaceSession -HostName 127.0.0.1 -Port $proxyPort -UserName isabell -KeyFile $key -HostKeyFingerprint $pin -FrontendUrl $frontend
    $pub = @{ Path = $project; SystemSitePackages = $true; PipArgument = '--no-index'; HealthPath = '/health'; ErrorAction = 'Stop' }

    function Invoke-Rsync([string] $Target) {
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $out = & rsync -a -e $ssh "$project/" "isabell2@127.0.0.1:$Target/" 2>&1
        if ($LASTEXITCODE) { throw "rsync failed: $out" }
        $sw.Elapsed.TotalSeconds
    }

    # First publish: a new app (and slot ports) per run, alternating with rsync into an empty folder.
    $first = @(); $firstTotal = @(); $rsyncFirst = @()
    for ($i = 1; $i -le $Runs; $i++) {
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $r = Publish-FlaskApp @pub -Session $linked -Name "benchlink$i" -WebPath "/benchlink$i" -Port (10940 + 2 * $i)
        $firstTotal += $sw.Elapsed.TotalSeconds
        if ($r.Status -ne 'Deployed') { throw "The first publish returned $($r.Status)." }
        $first += $r.PhaseSeconds['upload']
        $null = & runuser -u isabell2 -- rm -rf "/home/isabell2/benchlink-rsync"
        $rsyncFirst += Invoke-Rsync 'benchlink-rsync'
    }

    # A one-file change: the whole publish in a warm session against rsync of the same change.
    function Measure-Change([object] $Session, [string] $Name, [int] $N) {
        Set-Content (Join-Path $project 'shop/VERSION') "bench $N"
        Wait-Cleanup -App $Name -TimeoutSeconds 60
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $r = Publish-FlaskApp @pub -Session $Session -Name $Name -WebPath "/$Name"
        $t = $sw.Elapsed.TotalSeconds
        if ($r.Status -ne 'Deployed' -or -not $r.VenvReused -or $r.FilesUploaded -ne 1) { throw "A one-file change did not go as one file: $($r.Status), $($r.FilesUploaded) files." }
        [pscustomobject]@{ Seconds = $t; Result = $r }
    }
    $change = @(); $rsyncChange = @()
    for ($i = 1; $i -le $Runs; $i++) {
        $change += Measure-Change $linked 'benchlink1' $i
        $rsyncChange += Invoke-Rsync 'benchlink-rsync'
    }
    $loop = New-UberspaceSession -HostName 127.0.0.1 -Port 12222 -UserName isabell -KeyFile $key -HostKeyFingerprint $pin -FrontendUrl $frontend
    $loopChange = @(1..$Runs | ForEach-Object { Measure-Change $loop 'benchlink1' (100 + $_) })

    # Remote commands of one one-file publish over the link: sshd's log counts them, -Verbose names them.
    Wait-Cleanup -App 'benchlink1' -TimeoutSeconds 60
    $log = Join-Path $sshdDir 'sshd.log'
    $before = @(Get-Content $log).Count
    Set-Content (Join-Path $project 'shop/VERSION') 'bench count'
    $verbose = Publish-FlaskApp @pub -Session $linked -Name 'benchlink1' -WebPath '/benchlink1' -Verbose 4>&1 |
        Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message
    Start-Sleep -Milliseconds 300
    $commands = @(Get-Content $log | Select-Object -Skip $before | Where-Object { $_ -match 'Starting session: command for isabell ' }).Count
    $names = @($verbose | Where-Object { $_ -match '\] \$ (\S+)\.sh' } | ForEach-Object { $Matches[1] })
    Remove-UberspaceSession $linked, $loop

    $linkLimit = $treeBytes * 8 / ($UpMbit * 1e6)
    Write-Host ''
    Write-Host ("Publish-FlaskApp over a link of {0} ms round trip, {1} Mbit/s up, {2} Mbit/s down; project {3:N1} MB ({4} runs each, alternating, medians):" -f (2 * $DelayMs), $UpMbit, $DownMbit, ($treeBytes / 1MB), $Runs)
    $rows = @(
        [pscustomobject]@{ Job = 'first publish: upload phase'; Module = (Get-Median $first); Rsync = (Get-Median $rsyncFirst) }
        [pscustomobject]@{ Job = 'one-file change: whole publish (warm session)'; Module = (Get-Median ($change | ForEach-Object Seconds)); Rsync = (Get-Median $rsyncChange) }
    )
    $rows | ForEach-Object { [pscustomobject]@{ Job = $_.Job; ModuleMedian = [Math]::Round($_.Module, 2); RsyncMedian = [Math]::Round($_.Rsync, 2); Ratio = [Math]::Round($_.Module / $_.Rsync, 2) } } |
        Format-Table -AutoSize | Out-String -Width 200 | Write-Host
    Write-Host ("first publish, whole (venv built over the system's Flask): median {0:0.00} s; the link's own limit for the tree: {1:0.00} s" -f (Get-Median $firstTotal), $linkLimit)
    Write-Host ("one-file change on loopback, whole publish: median {0:0.00} s" -f (Get-Median ($loopChange | ForEach-Object Seconds)))
    $phases = $change[-1].Result.PhaseSeconds
    Write-Host ("phases of the last one-file change over the link: {0}" -f (($phases.Keys | ForEach-Object { "$_ $($phases[$_])" }) -join ', '))
    $phases = $loopChange[-1].Result.PhaseSeconds
    Write-Host ("phases of the last one-file change on loopback: {0}" -f (($phases.Keys | ForEach-Object { "$_ $($phases[$_])" }) -join ', '))
    Write-Host ("remote commands of one one-file publish: {0} ({1})" -f $commands, ($names -join ', '))
    Write-Host ("raw first upload module: {0}" -f (($first | ForEach-Object { $_.ToString('0.00') }) -join ' '))
    Write-Host ("raw first rsync: {0}" -f (($rsyncFirst | ForEach-Object { $_.ToString('0.00') }) -join ' '))
    Write-Host ("raw change module: {0}" -f (($change | ForEach-Object { $_.Seconds.ToString('0.00') }) -join ' '))
    Write-Host ("raw change rsync: {0}" -f (($rsyncChange | ForEach-Object { $_.ToString('0.00') }) -join ' '))
} finally {
    Stop-Process -Id $proxy.Id -ErrorAction SilentlyContinue
    # The apps this made go again: services stopped and removed, backends deleted, publish directories gone.
    foreach ($i in 1..$Runs) {
        $cmd = "cd; supervisorctl stop benchlink$i-a benchlink$i-b; rm -f etc/services.d/benchlink$i-a.ini etc/services.d/benchlink$i-b.ini; supervisorctl update; uberspace web backend del /benchlink$i; rm -rf apps/benchlink$i"
        & runuser -u isabell -- env -i HOME=/home/isabell PATH=/home/isabell/bin:/usr/bin:/bin LANG=C.UTF-8 /bin/sh -c $cmd *> $null
    }
    & runuser -u isabell2 -- rm -rf /home/isabell2/benchlink-rsync
    Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue
}
