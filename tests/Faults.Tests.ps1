# The fault suite: Publish-FlaskApp under a request loop through the frontend while its connection drops, or its host
# command is killed (kill -9, as the OOM killer would), in every phase; each fault set off at a moment seen on the host
# (a file or a process appearing), never after a sleep. Then the next publish must converge. Plus a short soak; the
# 50-publish soak is bench/soak.ps1. The app here is 'faults' under /faults, apart from Publish.Tests' shop.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'SandboxRunner.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'PublishRig.psm1') -Force
    $rig = Initialize-PublishTest -Prefix 'uf-faults-'
    # The account: isabell, or the one the runner gives this file to run beside the others (UF_SANDBOX_USER).
    $script:user = Get-SandboxUser; $script:userHome = Get-SandboxHome
    Import-Module $env:UF_MODULE_PATH -Force
    $script:work = $rig.Work; $script:key = $rig.Key; $script:pin = $rig.Pin
    function script:Open-Session([int] $Port = 12222) {
        New-UberspaceSession -HostName 127.0.0.1 -Port $Port -UserName $user -KeyFile $key -HostKeyFingerprint $pin -ErrorAction Stop
    }

    # The shop project, slowed down: importing it takes half a second (a file SLOW says how long), so gate 1 and
    # gate 2 each last long enough to be caught on the host.
    $script:project = Join-Path $work 'faults'
    Copy-Item (Join-Path $PSScriptRoot 'projects/shop') $project -Recurse
    $init = Join-Path $project 'shop/__init__.py'
    Set-Content $init ((Get-Content $init -Raw) + @'

_slow = os.path.join(os.path.dirname(__file__), "SLOW")
if os.path.exists(_slow):
    import time

    with open(_slow, encoding="utf-8") as _f:
        time.sleep(float(_f.read()))
'@)
    Set-Content (Join-Path $project 'shop/SLOW') '0.5'
    # A release command that takes a while, for the faults in its phase.
    New-Item -ItemType Directory (Join-Path $project 'bin') | Out-Null
    Set-Content (Join-Path $project 'bin/slow-migrate.sh') "#!/bin/sh`nsleep 2`necho migrated`n" -NoNewline
    & chmod 755 (Join-Path $project 'bin/slow-migrate.sh')
    $script:app = 'faults'
    $script:root = "$userHome/apps/$app"
    $script:frontend = (Get-SandboxFrontendUrl) + '/faults/'
    $script:publish = @{
        Name = $app; Path = $project; SystemSitePackages = $true; PipArgument = '--no-index'; WebPath = '/faults'
        FrontendUrl = (Get-SandboxFrontendUrl); HealthPath = '/health'; HealthTimeoutSeconds = 30; GraceSeconds = 1; Port = 10560
    }
    function script:Set-Version([string] $Version) { Set-Content (Join-Path $project 'shop/VERSION') $Version }
    function script:Get-Shown { $p = Get-SandboxPage -Path '/faults/'; if ($p.Content -match 'Shop v(\S+)</h1>') { $Matches[1] } else { "HTTP $($p.StatusCode)" } }
    function script:Get-Idle { if ((Get-Content "$root/state" -Raw | ConvertFrom-StringData).slot -eq 'a') { 'b' } else { 'a' } }

    # The publish, in a thread of its own so the test can watch the host meanwhile; returns its result and errors.
    function script:Start-Publish($Session, [hashtable] $Extra = @{}) {
        $p = $publish.Clone(); $p.Session = $Session
        foreach ($k in $Extra.Keys) { $p[$k] = $Extra[$k] }
        Start-ThreadJob -ScriptBlock {
            param($module, $p)
            Import-Module $module
            try { Publish-FlaskApp @p -ErrorAction SilentlyContinue -ErrorVariable e } catch { $e = @($_) }
            $e | ForEach-Object { [pscustomobject]@{ Id = ($_.FullyQualifiedErrorId -split ',')[0]; Message = $_.Exception.Message } }
        } -ArgumentList $env:UF_MODULE_PATH, $p
    }
    # The two faults. A dropped connection: every sshd of the account killed (the network gone, as the host sees it).
    # A killed host command: the whole process group of the publish's script running at that moment. The script runs
    # in a session of its own (setsid), as the leader of its group, whose parent is the wrapper that started it; the
    # wrapper and its watcher name the script too, but their group is the one sshd started.
    function script:Invoke-Fault([string] $Fault, [string] $Pattern) {
        if ($Fault -eq 'drop') { & pkill -KILL -u $user -x sshd; return }
        # A match may be gone before ps asks (a subshell of the script, forked with the same command line).
        $group = @(& pgrep -u $user -f $Pattern) | ForEach-Object { $g = & ps -o pgid= -p $_; if ($g) { $g.Trim() } } | Sort-Object -Unique | Where-Object {
            $leaderParent = (& ps -o ppid= -p $_)
            $leaderParent -and (& ps -o comm= -p $leaderParent.Trim()) -ne 'sshd'
        } | Select-Object -First 1
        if (-not $group) { throw "No process group of the account's own runs '$Pattern'." }
        & kill -KILL -- "-$group"
    }
    # Each phase: how to make it happen, the moment it is caught at on the host, and which script to kill then.
    $script:phases = @{
        'upload'       = @{
            # 1.5 MB: less than what SSH lets a client send ahead, so a client whose command was killed mid-stream is
            # not held up writing into a channel nobody reads (SSH.NET waits out its timeout there, 15 s).
            Prepare = { $b = [byte[]]::new(1536KB); [Random]::new().NextBytes($b); [IO.File]::WriteAllBytes((Join-Path $project 'shop/static/big.bin'), $b) }
            Moment  = { Get-ChildItem "$root/staging" -Recurse -File -ErrorAction SilentlyContinue | Where-Object { $_.Name -eq 'big.bin' -and $_.Length -lt 1536KB } }
            Kill    = 'uberspaceflask/releases/stage'; Title = 'upload'; Slow = $true
        }
        'venv'         = @{
            Prepare = { Add-Content (Join-Path $project 'requirements.txt') "# $([guid]::NewGuid())" }
            Moment  = { Get-ChildItem "$root/venvs" -Force -Filter '.*.uf-incomplete' -ErrorAction SilentlyContinue | Where-Object LastWriteTime -gt $started }
            Kill    = 'uberspaceflask/releases/stage'; Title = 'venv and import gate'
        }
        'import-gate'  = @{
            Prepare = {}
            # Anchored: the stage script's own text names uf_gate.py too.
            Moment  = { & pgrep -u $user -f '^\S+/bin/python\S* \S+/uf_gate\.py ' }
            Kill    = 'uberspaceflask/releases/stage'; Title = 'venv and import gate'
        }
        'release-command' = @{
            Prepare = {}
            Moment  = { & pgrep -u $user -f '^/bin/sh bin/slow-migrate\.sh' }
            Kill    = 'uberspaceflask/releases/stage'; Title = 'release command'; Extra = @{ ReleaseCommand = 'bin/slow-migrate.sh' }
        }
        'health-gate'  = @{
            Prepare = {}
            Moment  = { $idle = Get-Idle; & pgrep -u $user -f "^(\S*/)?uwsgi .*slot-$idle\.ini" }
            Kill    = 'uberspaceflask/releases/stage'; Title = 'health gate'
        }
        'switch'       = @{
            Prepare = {}
            Moment  = { & pgrep -u $user -f 'uberspace web backend set /faults --http' }
            Kill    = 'uberspace web backend set /faults --http'; Title = 'backend switch'
        }
    }

    # The first release, which every case starts from.
    $s = Open-Session
    Set-Version 'base'
    $r = Publish-FlaskApp @publish -Session $s -ErrorAction Stop
    if ($r.Status -ne 'Deployed') { throw "The first publish of the fault suite did not deploy: $($r.Status)" }
    Remove-UberspaceSession $s
}

AfterAll {
    if ($work) { Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue }
}

Describe 'Publish-FlaskApp keeps the site up through faults' -Tag Integration, Faults {
    AfterEach {
        Wait-Cleanup -App $app
        # A case that failed before its converging publish leaves the lock held: the next case starts clean anyway.
        if (Test-Path "$root/lock") { Invoke-AsAccountNative -Command "rm -rf ~/apps/$app/lock ~/apps/$app/staging" | Out-Null }
    }

    It 'a <Fault> in the <Phase> phase: no failed request, the error says what happened, and the next publish converges' -ForEach @(
        @{ Phase = 'upload'; Fault = 'drop' }, @{ Phase = 'upload'; Fault = 'kill' },
        @{ Phase = 'venv'; Fault = 'drop' }, @{ Phase = 'venv'; Fault = 'kill' },
        @{ Phase = 'import-gate'; Fault = 'drop' }, @{ Phase = 'import-gate'; Fault = 'kill' },
        @{ Phase = 'release-command'; Fault = 'drop' }, @{ Phase = 'release-command'; Fault = 'kill' },
        @{ Phase = 'health-gate'; Fault = 'drop' }, @{ Phase = 'health-gate'; Fault = 'kill' },
        @{ Phase = 'switch'; Fault = 'drop' }, @{ Phase = 'switch'; Fault = 'kill' }
    ) {
        $case = $phases[$Phase]
        $started = Get-Date
        $before = Get-Shown
        $beforePort = (Get-PublishedApp -App $app -WebPath '/faults').LivePort
        & $case.Prepare
        Set-Version "$Phase-$Fault"
        $proxy = $null; $job = $null
        if ($case.Slow) {
            # A slow link (4 Mbit/s up), so the upload is still under way when the moment comes.
            $proxy = Start-LinkSimulator -ListenPort 12224 -DelayMs 5 -UpMbit 4
        }
        $loop = Start-RequestLoop -Url $frontend -WorkDir $work
        try {
            $session = Open-Session -Port ($(if ($proxy) { 12224 } else { 12222 }))
            $job = Start-Publish $session ($(if ($case.Extra) { $case.Extra } else { @{} }))
            Wait-HostEvent -Condition $case.Moment -What "the $Phase phase on the host" | Out-Null
            Invoke-Fault $Fault $case.Kill
            $out = @($job | Wait-Job -Timeout 120 | Receive-Job)
            $job | Remove-Job -Force
        } finally {
            $codes = Stop-RequestLoop $loop
            if ($proxy) { Stop-Process -Id $proxy.Id -ErrorAction SilentlyContinue }
            # A case that failed before the fault must not leave its publish running into the next case.
            if ($job -and (Get-Job -Id $job.Id -ErrorAction SilentlyContinue)) { $job | Wait-Job -Timeout 120 | Out-Null; $job | Remove-Job -Force }
        }
        $codes | Where-Object { $_ -ne '200' } | Should -BeNullOrEmpty
        $codes.Count | Should -BeGreaterThan 10
        $err = $out | Where-Object { $_.PSObject.Properties['Id'] } | Select-Object -First 1
        $err | Should -Not -BeNullOrEmpty
        if ($Fault -eq 'drop') {
            $err.Id | Should -Be 'ConnectionLost'
            $err.Message | Should -Match "lost in the $($case.Title)"
            $err.Message | Should -Match 'Host state: '
            $err.Message | Should -Match '-BreakLock'
        } elseif ($Phase -eq 'switch') {
            # The switch's own rule: the backend set back explicitly, read again, and only then the new slot stopped.
            $err.Id | Should -Be 'SwitchRolledBack'
            $err.Message | Should -Match 'killed by signal 9'
            $err.Message | Should -Match "set back to port $beforePort"
        } else {
            $err.Id | Should -Be 'PublishInterrupted'
            $err.Message | Should -Match "interrupted in the $($case.Title)"
            $err.Message | Should -Match 'killed by signal 9'
            $err.Message | Should -Match "keeps serving on port $beforePort"
            $err.Message | Should -Match 'What to do: publish again'
        }
        if ($Phase -ne 'switch') { Get-Shown | Should -Be $before }

        # The next publish converges: -BreakLock where the dropped client kept the lock.
        Set-Version "$Phase-$Fault-again"
        $s = Open-Session
        try {
            $r = Publish-FlaskApp @publish -Session $s -BreakLock:($Fault -eq 'drop') -ErrorAction Stop
        } finally { Remove-UberspaceSession $s }
        $r.Status | Should -Be 'Deployed'
        Get-Shown | Should -Be "$Phase-$Fault-again"
        Wait-Cleanup -App $app
        $settled = Get-PublishedApp -App $app -WebPath '/faults'
        $settled.Running | Should -Be @("$app-$($settled.Slot)")
        $settled.BackendPort | Should -Be $settled.LivePort
        $settled.Current | Should -Be $r.ReleaseId
        $settled.LockHeld | Should -BeFalse
        $settled.StagingItems | Should -Be 0
    }

    It 'the detached cleanup goes on through a dropped connection, and a killed one is taken over by the next publish' {
        $s = Open-Session
        Set-Version 'cleanup-drop'
        $r = Publish-FlaskApp @publish -Session $s -GraceSeconds 3 -ErrorAction Stop
        $old = if ($r.LiveSlot -eq 'a') { 'b' } else { 'a' }
        Test-Path "$root/lock/cleanup" | Should -BeTrue
        Invoke-Fault drop ''
        Wait-Cleanup -App $app
        $settled = Get-PublishedApp -App $app -WebPath '/faults'
        $settled.Running | Should -Be @("$app-$($r.LiveSlot)")
        $settled.LockHeld | Should -BeFalse

        # Killed (kill -9 on its process group) while it waits out the grace period: the old slot keeps running and
        # the lock stays, held by a process that is gone. The next publish takes it over without -BreakLock.
        $s = Open-Session
        Set-Version 'cleanup-kill'
        $loop = Start-RequestLoop -Url $frontend -WorkDir $work
        try {
            $r = Publish-FlaskApp @publish -Session $s -GraceSeconds 3 -ErrorAction Stop
            $cleanup = (Get-Content "$root/lock/cleanup" -Raw).Split(' ')[0]
            & kill -KILL -- "-$cleanup"
            Start-Sleep -Milliseconds 200
            Test-Path "$root/lock" | Should -BeTrue
            Set-Version 'cleanup-kill-again'
            $r2 = Publish-FlaskApp @publish -Session $s -ErrorAction Stop
        } finally {
            $codes = Stop-RequestLoop $loop
            Remove-UberspaceSession $s
        }
        $codes | Where-Object { $_ -ne '200' } | Should -BeNullOrEmpty
        $r2.Status | Should -Be 'Deployed'
        Get-Shown | Should -Be 'cleanup-kill-again'
        Wait-Cleanup -App $app
        $settled = Get-PublishedApp -App $app -WebPath '/faults'
        $settled.Running | Should -Be @("$app-$($r2.LiveSlot)")
        $settled.BackendPort | Should -Be $settled.LivePort
        $settled.LockHeld | Should -BeFalse
    }
}

Describe 'Publish-FlaskApp on a disk that fills up while the venv is built' -Tag Integration, Faults {
    BeforeAll {
        # A 1 MB tmpfs as the app's publish directory: the project fits, a venv (pip alone is several MB) does not.
        $script:tight = "$userHome/apps/tightvenv"
        New-Item -ItemType Directory $tight -Force | Out-Null
        & chown "${user}:${user}" $tight
        & mount -t tmpfs -o size=1m tmpfs $tight
        if ($LASTEXITCODE) { throw 'Could not mount a tmpfs (the tests run as root).' }
        & chown "${user}:${user}" $tight
        $script:tightPublish = $publish.Clone()
        $tightPublish.Name = 'tightvenv'; $tightPublish.WebPath = '/tightvenv'; $tightPublish.Port = 10570
        Remove-Item (Join-Path $project 'shop/static/big.bin') -ErrorAction SilentlyContinue
    }
    AfterAll { & umount $tight 2>$null }

    It 'HostDiskFull names the host, the phase and the space left; the half venv and the release are gone; with room again it goes through' {
        $s = Open-Session
        try {
            $r = Publish-FlaskApp @tightPublish -Session $s -ErrorAction SilentlyContinue -ErrorVariable err
            $r.Status | Should -Be 'Failed'
            $r.FailedPhase | Should -Be 'import-gate'
            $err[0].FullyQualifiedErrorId | Should -Be 'HostDiskFull,UberspaceFlask.Commands.PublishFlaskAppCommand'
            $err[0].Exception.Message | Should -Match "$([regex]::Escape($user))@127\.0\.0\.1:12222 ran out of disk space .* while the venv of release \S+ was built: \d+ KiB left"
            $err[0].Exception.Message | Should -Match 'the half-built venv and the release''s files were removed'
            @(Get-ChildItem "$tight/venvs" -Force -ErrorAction SilentlyContinue).Count | Should -Be 0
            @(Get-ChildItem "$tight/releases" -Force -ErrorAction SilentlyContinue).Count | Should -Be 0
            @(Get-ChildItem "$tight/staging" -Force -ErrorAction SilentlyContinue).Count | Should -Be 0
            Test-Path "$tight/lock" | Should -BeFalse
            & umount $tight
            $r = Publish-FlaskApp @tightPublish -Session $s -ErrorAction Stop
            $r.Status | Should -Be 'Deployed'
            (Get-SandboxPage -Path '/tightvenv/').StatusCode | Should -Be 200
        } finally { Remove-UberspaceSession $s -ErrorAction SilentlyContinue }
    }
}

Describe 'A short soak: publishes one after another in one session' -Tag Integration, Faults {
    It '<Count> publishes of two alternating versions with an Undo every fifth: no failed request, pruned, one uWSGI, no channel left, flat memory' -ForEach @(@{ Count = 7 }) {
        Remove-Item (Join-Path $project 'shop/SLOW') -ErrorAction SilentlyContinue
        $s = Open-Session
        $loop = Start-RequestLoop -Url $frontend -WorkDir $work
        $memory = @{}
        try {
            for ($i = 1; $i -le $Count; $i++) {
                if ($i % 5 -eq 0) {
                    $r = Undo-FlaskDeployment -Name $app -Session $s -FrontendUrl $publish.FrontendUrl -GraceSeconds 0 -ErrorAction Stop
                    $r.Status | Should -Be 'Restored'
                } else {
                    Set-Version ($(if ($i % 2) { 'soak-odd' } else { 'soak-even' }))
                    $r = Publish-FlaskApp @publish -Session $s -GraceSeconds 0 -ErrorAction Stop
                    $r.Status | Should -Be 'Deployed'
                }
                if ($i -eq 2 -or $i -eq $Count) {
                    [GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect()
                    $memory[$i] = [GC]::GetTotalMemory($true)
                }
            }
            # No SSH channel left open: between commands, the connection's sshd has no child on the host.
            $sshd = @(& pgrep -u $user -x sshd)
            $sshd.Count | Should -BeGreaterThan 0
            @($sshd | ForEach-Object { & pgrep -P $_ }) | Should -BeNullOrEmpty
        } finally {
            $codes = Stop-RequestLoop $loop
            Remove-UberspaceSession $s
        }
        $codes | Where-Object { $_ -ne '200' } | Should -BeNullOrEmpty
        Wait-Cleanup -App $app
        $settled = Get-PublishedApp -App $app -WebPath '/faults'
        $settled.Running | Should -Be @("$app-$($settled.Slot)")
        # One uWSGI: the live slot's master and its workers, nothing of the other slot.
        $idle = if ($settled.Slot -eq 'a') { 'b' } else { 'a' }
        & pgrep -u $user -f "apps/$app/slot-$idle.ini" | Should -BeNullOrEmpty
        # Pruning: at most -KeepReleases (5) good ones plus the two newest failed ones; venvs only those releases use.
        $releases = @(Get-ChildItem "$root/releases" -Directory)
        $releases.Count | Should -BeLessOrEqual 7
        $used = @($releases | ForEach-Object { (Get-Content "$root/meta/$($_.Name).info" | Where-Object { $_ -like 'venv=*' }) -replace '^venv=' } | Sort-Object -Unique)
        @(Get-ChildItem "$root/venvs" -Directory).Name | Sort-Object | Should -Be $used
        ($memory[$Count] - $memory[2]) / 1MB | Should -BeLessThan 20
    }
}
