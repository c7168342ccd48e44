# Publish-FlaskApp and its companions against the sandbox: a real project (tests/projects/shop: a package with an app
# factory, a blueprint, templates, static files, requirements.txt, .env, .gitignore) put live over SSH as isabell,
# then updated, broken, undone and re-published. The Its run in order: each starts from what the one before left.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'SandboxRunner.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'PublishRig.psm1') -Force
    $rig = Initialize-PublishTest -Prefix 'uf-publish-'
    Import-Module $env:UF_MODULE_PATH -Force
    $script:work = $rig.Work; $script:key = $rig.Key; $script:pin = $rig.Pin
    function script:Open-Session { New-UberspaceSession -HostName 127.0.0.1 -Port 12222 -UserName isabell -KeyFile $key -HostKeyFingerprint $pin -ErrorAction Stop }
    $script:s = Open-Session

    # The project as a developer's checkout has it: with files that must never travel.
    $script:project = Join-Path $work 'shop'
    Copy-Item (Join-Path $PSScriptRoot 'projects/shop') $project -Recurse
    New-Item -ItemType Directory (Join-Path $project 'notes'), (Join-Path $project '.git'), (Join-Path $project 'shop/__pycache__'), (Join-Path $project '.venv') | Out-Null
    Set-Content (Join-Path $project 'notes/todo.txt') 'ignored by .gitignore'
    Set-Content (Join-Path $project 'debug.log') 'ignored by .gitignore'
    Set-Content (Join-Path $project '.git/HEAD') 'ref: refs/heads/main'
    Set-Content (Join-Path $project 'shop/__pycache__/views.cpython-311.pyc') 'bytecode'
    Set-Content (Join-Path $project '.venv/pyvenv.cfg') 'home = /usr/bin'

    $script:publish = @{
        Name = 'shop'; Path = $project; Session = $s; SystemSitePackages = $true; PipArgument = '--no-index'
        FrontendUrl = (Get-SandboxFrontendUrl); HealthPath = '/health'; HealthTimeoutSeconds = 20; GraceSeconds = 1
    }
    $script:root = '/home/isabell/apps/shop'
    function script:Set-Version([string] $Version) { Set-Content (Join-Path $project 'shop/VERSION') $Version }
    function script:Get-Shown { $p = Get-SandboxPage -Path '/'; if ($p.Content -match 'Shop v(\S+)</h1>') { $Matches[1] } else { "HTTP $($p.StatusCode)" } }
    function script:Get-State { (Invoke-AsAccountNative -Command 'cat ~/apps/shop/state').Text }
    # -WhatIf writes to the host, not to a stream: run it in a child pwsh and read what it printed.
    function script:Invoke-PublishWhatIf([string] $Extra = '') {
        $code = @"
Import-Module '$($env:UF_MODULE_PATH)'
`$s = New-UberspaceSession -HostName 127.0.0.1 -Port 12222 -UserName isabell -KeyFile '$key' -HostKeyFingerprint '$pin'
Publish-FlaskApp -Name shop -Path '$project' -Session `$s -SystemSitePackages -PipArgument '--no-index' -HealthPath /health -FrontendUrl '$(Get-SandboxFrontendUrl)' $Extra -WhatIf
"@
        (& dotnet (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -Command $code 2>&1) -join "`n"
    }
    function script:Get-HostSnapshot {
        (Invoke-AsAccountNative -Command "find ~/apps ~/etc/services.d -printf '%p %s %T@ %m\n' 2>/dev/null | sort; uberspace web backend list; supervisorctl status | sed -E 's/ (STARTING|RUNNING) .*/ up/; s/, uptime.*//'").Text
    }
}

AfterAll {
    if ($s) { Remove-UberspaceSession $s }
    if ($work) { Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue }
}

Describe 'Publish-FlaskApp: a project of your own, live and kept live' -Tag Integration {
    AfterEach { Wait-Cleanup }

    It '-WhatIf on the first publish lists the plan and changes nothing on the host' {
        $before = Get-HostSnapshot
        $out = Invoke-PublishWhatIf '-Port 10500'
        $out | Should -Match 'What if: .*Upload files.*8 added'
        $out | Should -Match 'What if: .*Build venv'
        $out | Should -Match 'What if: .*uberspace web backend set / --http --port 10500'
        Get-HostSnapshot | Should -Be $before
        Test-Path $root | Should -BeFalse
    }

    It 'the first publish serves the project through the frontend' {
        Set-Version '1'
        $r = Publish-FlaskApp @publish -Port 10500 -ErrorAction Stop
        $r.Status | Should -Be 'Deployed'
        $r.LivePort | Should -Be 10500
        $r.VenvReused | Should -BeFalse
        Get-Shown | Should -Be '1'
        (Get-SandboxPage -Path '/static/shop.css').Content | Should -Match 'font-family'
        $script:first = $r.ReleaseId
    }

    It 'uploads the project without .git, .env, __pycache__, a virtualenv or what .gitignore ignores' {
        # The manifest lists what was uploaded (Python writes its own __pycache__ on the host when it imports the app).
        $files = (Invoke-AsAccountNative -Command "cut -c67- ~/apps/shop/meta/$first.manifest").Text -split "`n"
        $files | Should -Contain 'shop/views.py'
        $files | Should -Contain 'keep.log'    # re-included by !keep.log
        $files | Should -Contain 'requirements.txt'
        $files | Where-Object { $_ -match '\.env$|\.git/|__pycache__|\.pyc$|pyvenv\.cfg|notes/|debug\.log' } | Should -BeNullOrEmpty
        (Invoke-AsAccountNative -Command "cd ~/apps/shop/releases/$first && find . -name .env -o -name notes -o -name debug.log -o -name .git").Text | Should -BeNullOrEmpty
    }

    It 'an identical re-publish changes nothing: Unchanged, nothing uploaded, nothing restarted' {
        $pidBefore = (Invoke-AsAccountNative -Command 'cat ~/apps/shop/slot-a.pid').Text
        $r = Publish-FlaskApp @publish -ErrorAction Stop
        $r.Status | Should -Be 'Unchanged'
        $r.FilesUploaded | Should -Be 0
        (Invoke-AsAccountNative -Command 'cat ~/apps/shop/slot-a.pid').Text | Should -Be $pidBefore
    }

    It 'v2 goes live on the other slot while a request loop through the frontend sees no failed request' {
        Set-Version '2'
        $codes = Join-Path $work 'codes.txt'; $stop = Join-Path $work 'stop'
        $loopScript = Join-Path $work 'loop.sh'
        Set-Content $loopScript @"
while [ ! -e '$stop' ]; do curl -s -o /dev/null -w '%{http_code}\n' --max-time 5 '$(Get-SandboxFrontendUrl)/' >> '$codes'; sleep 0.02; done
"@
        $loop = Start-Process bash -PassThru -ArgumentList $loopScript
        Start-Sleep -Milliseconds 500
        $started = Get-Date
        try { $r = Publish-FlaskApp @publish -ErrorAction Stop }
        finally { Start-Sleep -Milliseconds 500; New-Item $stop | Out-Null; $loop.WaitForExit(10000) | Out-Null }
        $seconds = ((Get-Date) - $started).TotalSeconds + 1
        $r.Status | Should -Be 'Deployed'
        $r.LivePort | Should -Be 10501
        $r.VenvReused | Should -BeTrue
        $r.FilesUploaded | Should -Be 1
        $r.PreviousReleaseId | Should -Be $first
        $all = Get-Content $codes
        ($all.Count / $seconds) | Should -BeGreaterThan 10
        $all | Where-Object { $_ -ne '200' } | Should -BeNullOrEmpty
        Get-Shown | Should -Be '2'
        Wait-Cleanup
        (Invoke-AsAccountNative -Command 'supervisorctl status shop-a').Text | Should -Match 'STOPPED'
        (Invoke-AsAccountNative -Command 'cat ~/etc/services.d/shop-a.ini').Text | Should -Match '(?m)^autostart=false$'
        (Invoke-AsAccountNative -Command 'cat ~/etc/services.d/shop-b.ini').Text | Should -Not -Match 'autostart'
        $script:second = $r.ReleaseId
    }

    It 'a code-only change reuses the venv: no pip, no new venv' {
        $venvsBefore = (Invoke-AsAccountNative -Command 'ls ~/apps/shop/venvs').Text
        Set-Version '2b'
        $r = Publish-FlaskApp @publish -Verbose -ErrorAction Stop 4>&1 | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }
        $r.VenvReused | Should -BeTrue
        $r.PhaseSeconds.Keys | Should -Contain 'venv-and-import-gate'
        (Invoke-AsAccountNative -Command 'ls ~/apps/shop/venvs').Text | Should -Be $venvsBefore
        Get-Shown | Should -Be '2b'
        $script:second = $r.ReleaseId
    }

    It '-SharedPath directories outlive releases: each release links to ~/apps/NAME/shared/DIR' {
        $null = Invoke-AsAccountNative -Command 'mkdir -p ~/apps/shop/shared/data && echo kept > ~/apps/shop/shared/data/db.txt'
        Set-Version '2c'
        $p = $publish.Clone(); $p.SharedPath = 'data'
        $r = Publish-FlaskApp @p -ErrorAction Stop
        $r.Status | Should -Be 'Deployed'
        (Invoke-AsAccountNative -Command "cat ~/apps/shop/releases/$($r.ReleaseId)/data/db.txt").Text | Should -Be 'kept'
        (Invoke-AsAccountNative -Command "test -L ~/apps/shop/releases/$($r.ReleaseId)/data && echo link").Text | Should -Be 'link'
        Get-Shown | Should -Be '2c'
    }

    It 'an import-broken release is refused at the first gate and the live one keeps serving' {
        Set-Version '3'
        Add-Content (Join-Path $project 'shop/__init__.py') 'raise RuntimeError("broken on purpose")'
        try {
            $r = Publish-FlaskApp @publish -ErrorAction SilentlyContinue -ErrorVariable err
        } finally {
            Copy-Item (Join-Path $PSScriptRoot 'projects/shop/shop/__init__.py') (Join-Path $project 'shop/__init__.py') -Force
        }
        $r.Status | Should -Be 'Failed'
        $r.FailedPhase | Should -Be 'import-gate'
        $r.LogTail | Should -Match 'broken on purpose'
        $err[0].FullyQualifiedErrorId | Should -Be 'ImportGateFailed,UberspaceFlask.Commands.PublishFlaskAppCommand'
        $err[0].TargetObject | Should -Be $s
        Get-Shown | Should -Be '2c'
        (Get-FlaskRelease -Name shop -Session $s | Where-Object ReleaseId -eq $r.ReleaseId).Status | Should -Be 'failed'
        Test-Path "$root/lock" | Should -BeFalse
    }

    It 'a release whose health path fails only under uWSGI is refused at the second gate and the live one keeps serving' {
        Set-Version '4'
        Set-Content (Join-Path $project 'shop/FAIL_UNDER_UWSGI') 'yes'
        $p = $publish.Clone(); $p.HealthTimeoutSeconds = 6
        try { $r = Publish-FlaskApp @p -ErrorAction SilentlyContinue -ErrorVariable err }
        finally { Remove-Item (Join-Path $project 'shop/FAIL_UNDER_UWSGI') }
        $r.Status | Should -Be 'Failed'
        $r.FailedPhase | Should -Be 'health-gate'
        $err[0].FullyQualifiedErrorId | Should -Be 'HealthGateFailed,UberspaceFlask.Commands.PublishFlaskAppCommand'
        $err[0].Exception.Message | Should -Match '/health on port 1050[01] did not answer 2xx or 3xx within 6 s'
        Get-Shown | Should -Be '2c'
        (Get-SandboxPage -Path '/health').Content | Should -Be 'ok'
        # The refused slot is stopped and idle again: supervisord would not start it after a reboot.
        $idle = if ((Get-State) -match '(?m)^slot=a$') { 'shop-b' } else { 'shop-a' }
        (Invoke-AsAccountNative -Command "cat ~/etc/services.d/$idle.ini").Text | Should -Match '(?m)^autostart=false$'
        (Invoke-AsAccountNative -Command "supervisorctl status $idle").Text | Should -Match 'STOPPED'
    }

    It 'Undo-FlaskDeployment brings the previous good release back, without pip' {
        $venvsBefore = (Invoke-AsAccountNative -Command 'ls ~/apps/shop/venvs').Text
        # -HealthPath /health and the rest come from how the live release was published.
        $r = Undo-FlaskDeployment -Name shop -Session $s -FrontendUrl (Get-SandboxFrontendUrl) -GraceSeconds 1 -Verbose -ErrorAction Stop 4>&1
        $verbose = $r | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | Out-String
        $r = $r | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }
        $r.Status | Should -Be 'Restored'
        $verbose | Should -Not -Match 'seal\.sh|pip'
        $verbose | Should -Match 'slot\.sh .* /health '
        Get-Shown | Should -Be '2b'
        (Invoke-AsAccountNative -Command 'ls ~/apps/shop/venvs').Text | Should -Be $venvsBefore
        $releases = Get-FlaskRelease -Name shop -Session $s
        ($releases | Where-Object Status -eq 'current').ReleaseId | Should -Be $r.ReleaseId
    }

    It 'two Undos in a row, each started right after the last: each stops the slot it left, so one slot runs' {
        # Seen on an independent host: after the second of two Undos both slots kept running. Undo twice more, so the
        # state is as the Undo before left it (the same release current, the same previous).
        $before = Get-State | ConvertFrom-StringData
        $first = Undo-FlaskDeployment -Name shop -Session $s -FrontendUrl (Get-SandboxFrontendUrl) -GraceSeconds 1 -ErrorAction Stop
        $second = Undo-FlaskDeployment -Name shop -Session $s -FrontendUrl (Get-SandboxFrontendUrl) -GraceSeconds 1 -ErrorAction Stop
        $first.Status | Should -Be 'Restored'
        $second.Status | Should -Be 'Restored'
        $second.ReleaseId | Should -Be $before.current
        Get-Shown | Should -Be '2b'
        Wait-Cleanup
        $after = Get-PublishedApp -App shop -WebPath '/'
        $after.Running | Should -Be @("shop-$($second.LiveSlot)")
        $after.LivePort | Should -Be $after.BackendPort
        $after.LockHeld | Should -BeFalse
        (Get-State | ConvertFrom-StringData).previous | Should -Be $before.previous
        # The live slot starts again after a reboot: its ini is not the idle one the first Undo's cleanup wrote over it.
        (Invoke-AsAccountNative -Command "cat ~/etc/services.d/shop-$($second.LiveSlot).ini").Text | Should -Not -Match '(?m)^autostart=false$'
    }

    It 'secrets reach the app byte for byte, and never appear in a file, -Verbose or an argument list' {
        $value = 'a%b"c''d$e`f#g;h i\j%'
        $out = Set-FlaskSecret -App shop -Name API_TOKEN -Secret (ConvertTo-SecureString $value -AsPlainText -Force) -Session $s -PassThru -Verbose 4>&1
        ($out | Out-String) | Should -Not -Match ([regex]::Escape('b"c''d$e'))
        $sha = [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData([Text.Encoding]::UTF8.GetBytes($value))).ToLowerInvariant()
        (Get-FlaskSecret -App shop -Session $s).Fingerprint | Should -Be "SHA256:$sha"
        (Invoke-AsAccountNative -Command 'stat -c %a ~/apps/shop/secrets').Text | Should -Be '600'
        # A changed secret is not Unchanged: it goes live through the gates.
        Set-Version '5'
        $r = Publish-FlaskApp @publish -Verbose -ErrorAction Stop 4>&1
        ($r | Out-String) | Should -Not -Match ([regex]::Escape('b"c''d$e'))
        ($r | Where-Object { $_ -is [UberspaceFlask.FlaskPublishResult] }).Status | Should -Be 'Deployed'
        (Get-SandboxPage -Path '/secret/API_TOKEN').Content | Should -Be $sha
        (Invoke-AsAccountNative -Command "grep -rlF 'b`"c' ~/apps/shop/*.ini ~/etc/services.d ~/apps/shop/releases || true").Text | Should -BeNullOrEmpty
        (& ps -eo args | Select-String -SimpleMatch 'b"c''d$e') | Should -BeNullOrEmpty
        $same = Publish-FlaskApp @publish -ErrorAction Stop
        $same.Status | Should -Be 'Unchanged'
        Remove-FlaskSecret -App shop -Name API_TOKEN -Session $s
        (Publish-FlaskApp @publish -ErrorAction Stop).Status | Should -Be 'Deployed'
        (Get-SandboxPage -Path '/secret/API_TOKEN').StatusCode | Should -Be 404
    }

    It 'a failing release command refuses the release; a passing one runs once per release, in it, with the secrets' {
        Set-FlaskSecret -App shop -Name MIGRATION_TOKEN -Secret (ConvertTo-SecureString 'tok-123' -AsPlainText -Force) -Session $s
        $before = Get-Shown
        Set-Version 'rc-fail'
        $failing = @('python3', '-c', 'import sys; print("migration failed: table exists"); sys.exit(3)')
        $r = Publish-FlaskApp @publish -ReleaseCommand $failing -ErrorAction SilentlyContinue -ErrorVariable err
        $r.Status | Should -Be 'Failed'
        $r.FailedPhase | Should -Be 'release-command'
        $err[0].FullyQualifiedErrorId | Should -Be 'ReleaseCommandFailed,UberspaceFlask.Commands.PublishFlaskAppCommand'
        $err[0].Exception.Message | Should -Match 'exited 3'
        $err[0].Exception.Message | Should -Match 'migration failed: table exists'
        $err[0].Exception.Message | Should -Match 'nothing was switched'
        Get-Shown | Should -Be $before
        Wait-Cleanup

        # A migration of the project's own: records where it ran, with which venv, and whether it saw the secret.
        $bin = New-Item -ItemType Directory (Join-Path $project 'bin') -Force
        Set-Content (Join-Path $bin 'migrate.sh') "#!/bin/sh`nprintf '%s %s %s
' `"`$(pwd)`" `"`$VIRTUAL_ENV`" `"`$MIGRATION_TOKEN`" >> `"`$HOME/migrations.log`"`necho migrated`n" -NoNewline
        & chmod 755 (Join-Path $bin 'migrate.sh')
        Invoke-AsAccountNative -Command 'rm -f ~/migrations.log' | Out-Null
        Set-Version 'rc-ok'
        $r = Publish-FlaskApp @publish -ReleaseCommand 'bin/migrate.sh' -InformationVariable info -ErrorAction Stop
        $r.Status | Should -Be 'Deployed'
        Get-Shown | Should -Be 'rc-ok'
        $r.ReleaseCommandOutput | Should -Be 'migrated'
        @($info.MessageData) | Should -Contain 'migrated'
        $log = @((Invoke-AsAccountNative -Command 'cat ~/migrations.log').Text -split "`n")
        $log.Count | Should -Be 1
        $fields = $log[0] -split ' '
        $fields[0] | Should -Be "$root/releases/$($r.ReleaseId)"
        $fields[1] | Should -Match "^$([regex]::Escape($root))/venvs/"
        $fields[2] | Should -Be 'tok-123'
        # Unchanged runs nothing; -WhatIf lists the command.
        (Publish-FlaskApp @publish -ReleaseCommand 'bin/migrate.sh' -ErrorAction Stop).Status | Should -Be 'Unchanged'
        @((Invoke-AsAccountNative -Command 'cat ~/migrations.log').Text -split "`n").Count | Should -Be 1
        Set-Version 'rc-whatif'
        Invoke-PublishWhatIf "-ReleaseCommand bin/migrate.sh" | Should -Match 'What if: .*Run release command.*bin/migrate\.sh in release'
        # Undo runs a release command only when given one, in the release that goes back live.
        Wait-Cleanup
        $previous = (Get-State | ConvertFrom-StringData).previous
        Invoke-AsAccountNative -Command 'rm -f ~/undo.log' | Out-Null
        $undo = Undo-FlaskDeployment -Name shop -Session $s -FrontendUrl (Get-SandboxFrontendUrl) -GraceSeconds 1 -ErrorAction Stop `
            -ReleaseCommand python3, -c, 'import os; open(os.path.expanduser("~/undo.log"), "a").write(os.getcwd() + "\n")'
        $undo.Status | Should -Be 'Restored'
        (Invoke-AsAccountNative -Command 'cat ~/undo.log').Text | Should -Be "$root/releases/$previous"
        @((Invoke-AsAccountNative -Command 'cat ~/migrations.log').Text -split "`n").Count | Should -Be 1
        Wait-Cleanup
        Set-Version 'rc-ok'
        Remove-FlaskSecret -App shop -Name MIGRATION_TOKEN -Session $s
        Wait-Cleanup
    }

    It 'Restart-FlaskApp starts the live release anew on the other slot: no failed request, new pid, a new secret seen' {
        Wait-Cleanup
        $st = Get-State | ConvertFrom-StringData
        $pidBefore = (Invoke-AsAccountNative -Command "cat ~/apps/shop/slot-$($st.slot).pid").Text
        $out = Set-FlaskSecret -App shop -Name RESTART_TOKEN -Secret 'fresh' -Session $s 3>&1
        ($out | Out-String) | Should -Match 'takes effect at the next Publish-FlaskApp or Restart-FlaskApp'
        (Get-SandboxPage -Path '/secret/RESTART_TOKEN').StatusCode | Should -Be 404
        $loop = Start-RequestLoop -Url ((Get-SandboxFrontendUrl) + '/') -WorkDir $work
        try {
            $r = Restart-FlaskApp -Name shop -Session $s -FrontendUrl (Get-SandboxFrontendUrl) -GraceSeconds 1 -ErrorAction Stop
        } finally { $codes = Stop-RequestLoop $loop }
        $codes | Where-Object { $_ -ne '200' } | Should -BeNullOrEmpty
        $r.Status | Should -Be 'Restarted'
        $r.ReleaseId | Should -Be $st.current
        $r.LiveSlot | Should -Not -Be $st.slot
        (Get-SandboxPage -Path '/secret/RESTART_TOKEN').StatusCode | Should -Be 200
        Wait-Cleanup
        $after = Get-State | ConvertFrom-StringData
        $after.current | Should -Be $st.current
        (Invoke-AsAccountNative -Command "cat ~/apps/shop/slot-$($after.slot).pid").Text | Should -Not -Be $pidBefore
        @((Invoke-AsAccountNative -Command 'supervisorctl status shop-a shop-b').Text -split "`n" | Where-Object { $_ -match 'RUNNING|STARTING' }).Count | Should -Be 1
        Remove-FlaskSecret -App shop -Name RESTART_TOKEN -Session $s 3>$null
        Restart-FlaskApp -Name shop -Session $s -FrontendUrl (Get-SandboxFrontendUrl) -GraceSeconds 1 -ErrorAction Stop | Out-Null
        Wait-Cleanup
    }

    It 'Invoke-FlaskCommand runs in the live release''s folder and venv with the secrets; a non-zero exit is an error' {
        Set-FlaskSecret -App shop -Name COMMAND_TOKEN -Secret 'cmd-456' -Session $s 3>$null
        $st = Get-State | ConvertFrom-StringData
        $code = 'import os, sys; print(os.getcwd()); print(sys.prefix); print(os.environ["COMMAND_TOKEN"]); print("to stderr", file=sys.stderr)'
        $out = @(Invoke-FlaskCommand -Name shop -Command python3, -c, $code -Session $s -ErrorAction Stop)
        $lines = @($out | Where-Object { $_ -is [UberspaceFlask.FlaskOutputLine] })
        $result = $out | Where-Object { $_ -is [UberspaceFlask.FlaskCommandResult] }
        @($lines | Where-Object Stream -eq 'Stdout').Text | Should -Be @("$root/releases/$($st.current)", (Get-Content "$root/meta/$($st.current).info" | Where-Object { $_ -like 'venv=*' }).Replace('venv=', "$root/venvs/"), 'cmd-456')
        ($lines | Where-Object Stream -eq 'Stderr').Text | Should -Be 'to stderr'
        $result.ExitCode | Should -Be 0
        $result.ReleaseId | Should -Be $st.current
        $out = Invoke-FlaskCommand -Name shop -Command python3, -c, 'import sys; print("half done"); sys.exit(4)' -Session $s -ErrorAction SilentlyContinue -ErrorVariable err
        ($out | Where-Object { $_ -is [UberspaceFlask.FlaskCommandResult] }).ExitCode | Should -Be 4
        ($out | Where-Object { $_ -is [UberspaceFlask.FlaskOutputLine] }).Text | Should -Be 'half done'
        $err[0].FullyQualifiedErrorId | Should -Be 'CommandExitCode,UberspaceFlask.Commands.InvokeFlaskCommandCommand'
        Remove-FlaskSecret -App shop -Name COMMAND_TOKEN -Session $s
    }

    It 'Invoke-FlaskCommand has no time limit of its own, and stopping it (Stop-Job, as Ctrl+C) stops the command on the host' {
        $job = Start-ThreadJob -ScriptBlock {
            param($module, $session)
            Import-Module $module
            Invoke-FlaskCommand -Name shop -Command python3, -c, 'import time; print("started", flush=True); time.sleep(300)' -Session $session
        } -ArgumentList $env:UF_MODULE_PATH, $s
        try {
            Wait-HostEvent -Condition { & pgrep -u isabell -f '^python3 -c import time; print\("started"' } -What 'the command on the host' | Out-Null
            $deadline = (Get-Date).AddSeconds(20)
            while (-not ($job | Receive-Job -Keep | Where-Object Text -eq 'started') -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 100 }
            ($job | Receive-Job -Keep).Text | Should -Contain 'started'
        } finally { $job | Stop-Job; $job | Remove-Job -Force }
        $deadline = (Get-Date).AddSeconds(5)
        while ((& pgrep -u isabell -f 'time.sleep\(300\)') -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 100 }
        & pgrep -u isabell -f 'time.sleep\(300\)' | Should -BeNullOrEmpty
    }

    It 'Get-FlaskLog -Follow writes a line written after it started, and stopping it leaves no tail on the host' {
        @(Get-FlaskLog -Name shop -Session $s -Stream Stderr -Tail 5).Count | Should -BeGreaterThan 0
        $job = Start-ThreadJob -ScriptBlock {
            param($module, $session)
            Import-Module $module
            Get-FlaskLog -Name shop -Session $session -Follow
        } -ArgumentList $env:UF_MODULE_PATH, $s
        try {
            Wait-HostEvent -Condition { & pgrep -u isabell -f '^\S*python\S* \S*supervisorctl .*tail -f shop-' } -What 'the follow on the host' | Out-Null
            $marker = [guid]::NewGuid().ToString('N')
            (Get-SandboxPage -Path "/health?seen=$marker").StatusCode | Should -Be 200
            $deadline = (Get-Date).AddSeconds(20); $seen = $null
            while (-not $seen -and (Get-Date) -lt $deadline) {
                $seen = $job | Receive-Job -Keep | Where-Object { $_.Text -match $marker }
                Start-Sleep -Milliseconds 100
            }
            $seen | Should -Not -BeNullOrEmpty
            $seen[0].Stream | Should -Be 'Stderr'
            $seen[0].Time | Should -Not -BeNullOrEmpty
        } finally { $job | Stop-Job; $job | Remove-Job -Force }
        $deadline = (Get-Date).AddSeconds(5)
        while ((& pgrep -u isabell -f 'supervisorctl tail') -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 100 }
        & pgrep -u isabell -f 'supervisorctl tail' | Should -BeNullOrEmpty
    }

    It 'Get-FlaskApp lists a published app and a guide-style one on the same account, with ports, routes and health' {
        $guide = New-FlaskApp -Name guideapp -Session $s -Package @() -SystemSitePackages -ErrorAction Stop |
            New-UwsgiConfig -Port 10595 -MountPath /guideapp -ErrorAction Stop |
            Register-SupervisorService -Name guideapp -StartSeconds 1 -ErrorAction Stop |
            Set-WebBackend -Path /guideapp -ErrorAction Stop
        try {
            $st = Get-State | ConvertFrom-StringData
            $apps = @(Get-FlaskApp -Session $s -Health -FrontendUrl (Get-SandboxFrontendUrl) -ErrorAction Stop)
            $shop = $apps | Where-Object Name -eq 'shop'
            $other = $apps | Where-Object Name -eq 'guideapp'
            $shop.Kind | Should -Be 'Published'
            $shop.ReleaseId | Should -Be $st.current
            $shop.Slot | Should -Be $st.slot
            $shop.Port | Should -Be ($(if ($st.slot -eq 'a') { $st.port } else { $st.'alternate-port' }))
            $shop.State | Should -Be 'RUNNING'
            $shop.Routes | Should -Contain '/'
            $shop.HealthStatus | Should -Be 200
            $other.Kind | Should -Be 'Guide'
            $other.AppPath | Should -Be '/home/isabell/guideapp'
            $other.Port | Should -Be 10595
            $other.State | Should -BeIn @('RUNNING', 'STARTING')
            @($other.Routes) | Should -Be @('/guideapp')
            $other.HealthStatus | Should -Be 200
            # The slots are not apps of their own; a name picks one; a name with no app is AppNotFound.
            $apps.Name | Should -Not -Contain 'shop-a'
            @(Get-FlaskApp shop -Session $s).Name | Should -Be @('shop')
            Get-FlaskApp nosuchapp -Session $s -ErrorAction SilentlyContinue -ErrorVariable err | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -BeLike 'AppNotFound,*'
        } finally {
            Unregister-SupervisorService -Name guideapp -Session $s -Confirm:$false -ErrorAction SilentlyContinue
            Remove-WebBackend -Path /guideapp -Session $s -Confirm:$false -ErrorAction SilentlyContinue
            Remove-FlaskApp -Name guideapp -Session $s -Force -Confirm:$false -ErrorAction SilentlyContinue
        }
    }

    It 'Test-FlaskDeployment -Name: a healthy published app passes every check, and each broken state fails its own' {
        Wait-Cleanup
        $front = Get-SandboxFrontendUrl
        function Get-Status([string] $Check) { "$((Test-FlaskDeployment -Name shop -Session $s -FrontendUrl $front -ErrorAction Stop | Where-Object Check -eq $Check).Status)" }
        $all = @(Test-FlaskDeployment -Name shop -Session $s -FrontendUrl $front -ErrorAction Stop)
        $all.Count | Should -Be 9
        $all | Where-Object { "$($_.Status)" -ne 'Passed' } | ForEach-Object { "$($_.Check): $($_.Message)" } | Should -BeNullOrEmpty
        $st = Get-State | ConvertFrom-StringData
        $live = "shop-$($st.slot)"; $idleSlot = if ($st.slot -eq 'a') { 'b' } else { 'a' }; $idle = "shop-$idleSlot"
        $livePort = if ($st.slot -eq 'a') { $st.port } else { $st.'alternate-port' }
        $idlePort = if ($st.slot -eq 'a') { $st.'alternate-port' } else { $st.port }
        # Breaks the host one way (a shell command as the account), reads the check, and puts the host back.
        function Test-Broken([string] $Break, [string] $Restore, [string] $Check) {
            try { $null = Invoke-AsAccountNative -Command $Break; Get-Status $Check } finally { $null = Invoke-AsAccountNative -Command $Restore }
        }
        Test-Broken 'chmod 644 ~/apps/shop/secrets' 'chmod 600 ~/apps/shop/secrets' 'Secrets file' | Should -Be 'Failed'
        # What a killed client leaves: the lock folder with its holder line.
        Test-Broken "mkdir ~/apps/shop/lock && echo 'ana@laptop pid 4242 since 2026-11-27T09:00:00Z' > ~/apps/shop/lock/holder" 'rm -rf ~/apps/shop/lock' 'Publish lock' |
            Should -Be 'Failed'
        Test-Broken "uberspace web backend set / --http --port $idlePort" "uberspace web backend set / --http --port $livePort" 'Backend' | Should -Be 'Failed'
        # A cleanup cut off before it stopped the old slot: the idle slot runs with no cleanup under way.
        Test-Broken "supervisorctl start $idle" "supervisorctl stop $idle" 'Idle slot' | Should -Be 'Warning'
        Test-Broken "supervisorctl stop $live" "supervisorctl start $live" 'Live slot' | Should -Be 'Failed'
        # Another program on the live port: not the app's own uWSGI. [h]: the pattern must not match this shell's own
        # command line.
        Test-Broken "supervisorctl stop $live && mkdir -p ~/stray && cd ~/stray && (setsid python3 -m http.server $livePort --bind 0.0.0.0 >/dev/null 2>&1 &) && sleep 1" `
            "pkill -u isabell -f '[h]ttp.server $livePort'; sleep 0.5; supervisorctl start $live" 'Live port' | Should -Be 'Failed'
        $deadline = (Get-Date).AddSeconds(30)
        while ((Get-Shown) -like 'HTTP*' -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 200 }
        @(Test-FlaskDeployment -Name shop -Session $s -FrontendUrl $front | Where-Object { "$($_.Status)" -ne 'Passed' }).Check | Should -BeNullOrEmpty
    }

    It 'a second publish while one runs is refused with an error naming the holder' {
        Set-Version '6'
        Wait-Cleanup
        $job = Start-ThreadJob -ScriptBlock {
            param($module, $p)
            Import-Module $module
            Publish-FlaskApp @p -ErrorAction Stop
        } -ArgumentList $env:UF_MODULE_PATH, $publish
        $deadline = (Get-Date).AddSeconds(30)
        while (-not ((Get-Content "$root/lock/holder" -ErrorAction SilentlyContinue) -match ' pid ') -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 20 }
        # The other publish comes from another checkout (the running one checks its files did not change under it).
        $otherProject = Join-Path $work 'shop-other'
        Copy-Item $project $otherProject -Recurse
        Set-Content (Join-Path $otherProject 'shop/VERSION') '6b'
        $other = Open-Session
        try {
            $p2 = $publish.Clone(); $p2.Session = $other; $p2.Path = $otherProject
            { Publish-FlaskApp @p2 -ErrorAction Stop } |
                Should -Throw -ErrorId 'PublishLocked,UberspaceFlask.Commands.PublishFlaskAppCommand' -ExpectedMessage '*pid*'
        } finally { Remove-UberspaceSession $other }
        ($job | Wait-Job -Timeout 120 | Receive-Job).Status | Should -Be 'Deployed'
        Get-Shown | Should -Be '6'
    }

    It 'a connection dropped during the upload leaves the live release untouched, and a re-run completes' {
        $big = [byte[]]::new(3MB); [Random]::new(7).NextBytes($big)
        [IO.File]::WriteAllBytes((Join-Path $project 'shop/static/big.bin'), $big)
        Set-Version '7'
        # A slow link (8 Mbit/s up, through the link simulator), so the upload is still under way when the connection
        # drops: the moment is when big.bin shows up half-written in the staging directory on the host.
        $proxy = Start-LinkSimulator -ListenPort 12223 -DelayMs 5 -UpMbit 8
        try {
            $doomed = New-UberspaceSession -HostName 127.0.0.1 -Port 12223 -UserName isabell -KeyFile $key -HostKeyFingerprint $pin -ErrorAction Stop
            $job = Start-ThreadJob -ScriptBlock {
                param($module, $p, $session)
                Import-Module $module
                $p = $p.Clone()
                $p.Session = $session
                try { Publish-FlaskApp @p -ErrorAction Stop; 'no error' } catch { $_.FullyQualifiedErrorId }
            } -ArgumentList $env:UF_MODULE_PATH, $publish, $doomed
            $deadline = (Get-Date).AddSeconds(60)
            $partial = $null
            while (-not $partial -and (Get-Date) -lt $deadline) {
                $partial = Get-ChildItem "$root/staging" -Recurse -File -ErrorAction SilentlyContinue | Where-Object { $_.Name -eq 'big.bin' -and $_.Length -lt $big.Length }
                Start-Sleep -Milliseconds 10
            }
            $partial | Should -Not -BeNullOrEmpty
            $stagedId = (Get-ChildItem "$root/staging" -Directory).Name
            & pkill -KILL -u isabell -x sshd
            $outcome = $job | Wait-Job -Timeout 60 | Receive-Job
        } finally { Stop-Process -Id $proxy.Id -ErrorAction SilentlyContinue }
        $outcome | Should -Match 'ConnectionLost'
        # Every connection of the account went down with it: the tests go on with a new session.
        $script:s = Open-Session
        $publish.Session = $s
        Get-Shown | Should -Be '6'
        $stagedId | Should -Not -BeNullOrEmpty
        (Invoke-AsAccountNative -Command 'ls ~/apps/shop/releases').Text | Should -Not -Match ([regex]::Escape($stagedId))
        $r = Publish-FlaskApp @publish -BreakLock -ErrorAction Stop
        $r.Status | Should -Be 'Deployed'
        Get-Shown | Should -Be '7'
        (Get-SandboxPage -Path '/static/big.bin').Content.Length | Should -BeGreaterThan 0
        (Invoke-AsAccountNative -Command "sha256sum < ~/apps/shop/releases/$($r.ReleaseId)/shop/static/big.bin").Text |
            Should -Match ([Convert]::ToHexString([Security.Cryptography.SHA256]::HashData($big)).ToLowerInvariant())
        Test-Path "$root/staging/*" | Should -BeFalse
    }

    It 'keeps at most -KeepReleases good releases, never current or previous, and Remove-FlaskRelease prunes by the same rules' {
        $releases = Get-FlaskRelease -Name shop -Session $s
        @($releases | Where-Object Status -in 'current', 'previous', 'good').Count | Should -BeLessOrEqual 5
        @($releases | Where-Object Status -eq 'current').Count | Should -Be 1
        @($releases | Where-Object Status -eq 'previous').Count | Should -Be 1
        Remove-FlaskRelease -Name shop -KeepReleases 2 -Session $s -Confirm:$false
        $after = Get-FlaskRelease -Name shop -Session $s
        @($after | Where-Object Status -in 'current', 'previous', 'good').Count | Should -Be 2
        { Remove-FlaskRelease -Name shop -ReleaseId ($after | Where-Object Status -eq 'current').ReleaseId -Session $s -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'ReleaseInUse,UberspaceFlask.Commands.RemoveFlaskReleaseCommand'
        Get-Shown | Should -Be '7'
    }

    It '-WhatIf on an update lists files, venv, slot, backend command and changes nothing' {
        Set-Version '8'
        $before = Get-HostSnapshot
        $text = Invoke-PublishWhatIf
        $text | Should -Match 'Upload files.*1 changed.*shop/VERSION'
        $text | Should -Match 'Reuse venv'
        # The slot's files are planned like the guide's: their diff shows before anything is written.
        $text | Should -Match 'Overwrite file" on target "[^"]*/home/isabell/apps/shop/slot-[ab]\.ini \(\+\d+ -\d+ lines\)'
        $text | Should -Match 'uberspace web backend set / --http --port 1050[01]'
        Get-HostSnapshot | Should -Be $before
    }

    It 'a stray process answering on the idle slot''s port is not taken for the app: SlotPortInUse' {
        $state = Get-State
        $idlePort = if ($state -match '(?m)^slot=a$') { 10501 } else { 10500 }
        $null = Invoke-AsAccountNative -Command "mkdir -p ~/stray && echo ok > ~/stray/health && cd ~/stray && (setsid python3 -m http.server $idlePort --bind 0.0.0.0 >/dev/null 2>&1 &)"
        try {
            $deadline = (Get-Date).AddSeconds(10)
            while ((& curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$idlePort/health") -ne '200' -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 100 }
            Set-Version '9'
            $r = Publish-FlaskApp @publish -ErrorAction SilentlyContinue -ErrorVariable err
            $r.Status | Should -Be 'Failed'
            $err[0].FullyQualifiedErrorId | Should -Be 'SlotPortInUse,UberspaceFlask.Commands.PublishFlaskAppCommand'
            Get-Shown | Should -Be '7'
        } finally {
            $null = Invoke-AsAccountNative -Command "pkill -f 'http.server $idlePort'"
        }
    }

    It 'when the page through the frontend fails after the switch, the backend is switched back: RolledBack' {
        Set-Version '10'
        $p = $publish.Clone(); $p.FrontendUrl = 'http://127.0.0.1:9'   # nothing answers there
        $r = Publish-FlaskApp @p -ErrorAction SilentlyContinue -ErrorVariable err
        $r.Status | Should -Be 'RolledBack'
        $r.FailedPhase | Should -Be 'switch'
        $err[0].FullyQualifiedErrorId | Should -Be 'SwitchRolledBack,UberspaceFlask.Commands.PublishFlaskAppCommand'
        Get-Shown | Should -Be '7'
        $st = Get-State | ConvertFrom-StringData
        (Get-WebBackend -Session $s | Where-Object Path -eq '/').Port | Should -Be $(if ($st.slot -eq 'a') { [int]$st.port } else { [int]$st.'alternate-port' })
        (Get-FlaskRelease -Name shop -Session $s | Where-Object ReleaseId -eq $r.ReleaseId).Status | Should -Be 'failed'
    }

    It 'a switch killed on the host (kill -9, as the OOM killer would) sets the backend back before it stops anything' {
        Set-Version '10b'
        $st = Get-State | ConvertFrom-StringData
        $livePort = if ($st.slot -eq 'a') { $st.port } else { $st.'alternate-port' }
        $loop = Start-RequestLoop -Url ((Get-SandboxFrontendUrl) + '/') -WorkDir $work
        try {
            $job = Start-ThreadJob -ScriptBlock {
                param($module, $p)
                Import-Module $module
                Publish-FlaskApp @p -ErrorAction SilentlyContinue -ErrorVariable e
                $e | ForEach-Object { [pscustomobject]@{ Id = $_.FullyQualifiedErrorId; Message = $_.Exception.Message } }
            } -ArgumentList $env:UF_MODULE_PATH, $publish
            # The moment: `uberspace web backend set` runs for the account; its whole process group is killed.
            $deadline = (Get-Date).AddSeconds(60); $set = $null
            while (-not $set -and (Get-Date) -lt $deadline) {
                $set = (& pgrep -u isabell -f 'uberspace web backend set / --http' | Select-Object -First 1)
                if (-not $set) { Start-Sleep -Milliseconds 5 }
            }
            $set | Should -Not -BeNullOrEmpty
            $group = (& ps -o pgid= -p $set).Trim()
            & kill -KILL -- "-$group"
            $out = @($job | Wait-Job -Timeout 120 | Receive-Job)
        } finally { $codes = Stop-RequestLoop $loop }
        $codes | Where-Object { $_ -ne '200' } | Should -BeNullOrEmpty
        $result = $out | Where-Object { $_ -is [UberspaceFlask.FlaskPublishResult] }
        $error1 = $out | Where-Object { $_.PSObject.Properties['Id'] } | Select-Object -First 1
        $result.Status | Should -Be 'RolledBack'
        $error1.Id | Should -Be 'SwitchRolledBack,UberspaceFlask.Commands.PublishFlaskAppCommand'
        $error1.Message | Should -Match 'killed by signal 9'
        $error1.Message | Should -Match "set back to port $livePort"
        Get-Shown | Should -Be '7'
        (Get-WebBackend -Session $s | Where-Object Path -eq '/').Port | Should -Be $livePort
        # The next publish converges: the release goes live, one slot runs, the lock is free.
        $r = Publish-FlaskApp @publish -ErrorAction Stop
        $r.Status | Should -Be 'Deployed'
        Get-Shown | Should -Be '10b'
        Wait-Cleanup
        @((Invoke-AsAccountNative -Command 'supervisorctl status shop-a shop-b').Text -split "`n" | Where-Object { $_ -match 'RUNNING|STARTING' }).Count | Should -Be 1
        Test-Path "$root/lock" | Should -BeFalse
    }

    It 'a switch killed after the frontend moved but before the list recorded it goes live, and the list is made to agree' {
        # The list then names the old port while the frontend reaches the new slot, and setting the backend back to the
        # old port changes nothing, so it reloads nothing: stopping the new slot then would fail requests (seen as 502s).
        Set-Version '10c'
        $fault = Join-Path (Get-SandboxRoot) 'accounts/isabell/fault-after-reload'
        $loop = Start-RequestLoop -Url ((Get-SandboxFrontendUrl) + '/') -WorkDir $work
        try {
            New-Item $fault -Force | Out-Null
            $r = Publish-FlaskApp @publish -ErrorAction Stop -WarningVariable warned 3>$null
        } finally { $codes = Stop-RequestLoop $loop; Remove-Item $fault -ErrorAction SilentlyContinue }
        $codes | Where-Object { $_ -ne '200' } | Should -BeNullOrEmpty
        Test-Path $fault | Should -BeFalse   # the fault did fire
        $r.Status | Should -Be 'Deployed'
        "$warned" | Should -Match 'the switch had happened'
        Get-Shown | Should -Be '10c'
        Wait-Cleanup
        $after = Get-PublishedApp -App shop -WebPath '/'
        $after.BackendPort | Should -Be $after.LivePort
        $after.Running | Should -Be @("shop-$($r.LiveSlot)")
        (Invoke-WebRequest -Uri ((Get-SandboxFrontendUrl) + '/health') -SkipHttpErrorCheck).Headers['X-UberspaceFlask-Slot'] | Should -Be "shop-$($r.LiveSlot)"
    }

    It '-WebPath serves an app under a sub-path, mounted in uWSGI' {
        # Whatever version the project is at now: the app at / is not touched by a publish of another app.
        $version = (Get-Content (Join-Path $project 'shop/VERSION') -Raw).Trim()
        $shown = Get-Shown
        $p = $publish.Clone(); $p.Name = 'shopsub'; $p.WebPath = '/sub'
        $r = Publish-FlaskApp @p -Port 10520 -ErrorAction Stop
        $r.Status | Should -Be 'Deployed'
        (Get-SandboxPage -Path '/sub/').Content | Should -Match "Shop v$([regex]::Escape($version))</h1>"
        (Get-SandboxPage -Path '/sub/').Content | Should -Match 'href="/sub/static/shop.css"'
        (Get-SandboxPage -Path '/sub/static/shop.css').StatusCode | Should -Be 200
        Get-Shown | Should -Be $shown
    }

    It 'without -Session it publishes on the machine it runs on, the same releases and the same gates' {
        Initialize-SandboxRunner -ModulePath $env:UF_MODULE_PATH
        # The account's own copy of the project, as a user logged in on the host has it.
        $null = Invoke-AsAccountNative -Command 'rm -rf ~/shop-src'
        Copy-Item $project /home/isabell/shop-src -Recurse
        Set-Content /home/isabell/shop-src/shop/VERSION 'local'
        & chown -R isabell:isabell /home/isabell/shop-src
        $r = Invoke-AsAccount -ScriptBlock {
            param($Frontend)
            Publish-FlaskApp -Name shop -Path ~/shop-src -SystemSitePackages -PipArgument '--no-index' -HealthPath /health -FrontendUrl $Frontend -GraceSeconds 1
        } -Parameters @{ Frontend = (Get-SandboxFrontendUrl) }
        $r.Errors | Should -BeNullOrEmpty
        $r.Output[0].Status | Should -Be 'Deployed'
        $r.Output[0].Location | Should -Match '^local \(isabell\)$'
        Get-Shown | Should -Be 'local'
        (Get-FlaskRelease -Name shop -Session $s | Where-Object Status -eq current).ReleaseId | Should -Be $r.Output[0].ReleaseId
    }

    It 'Undo-FlaskDeployment and the release cmdlets check their input before any round trip; Get-FlaskRelease reads only the records' {
        $closed = Open-Session
        Remove-UberspaceSession $closed
        { Undo-FlaskDeployment -Name shop -Session $closed -Processes 0 -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidProcessCount,UberspaceFlask.Commands.UndoFlaskDeploymentCommand'
        { Undo-FlaskDeployment -Name shop -Session $closed -HealthPath 'no slash' -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidHealthPath,UberspaceFlask.Commands.UndoFlaskDeploymentCommand'
        { Remove-FlaskRelease -Name shop -KeepReleases 1 -Session $closed -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidKeepReleases,UberspaceFlask.Commands.RemoveFlaskReleaseCommand'
        # The same parameter has the same ErrorId in every cmdlet.
        { Publish-FlaskApp @publish -Processes 0 -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidProcessCount,UberspaceFlask.Commands.PublishFlaskAppCommand'
        $verbose = Get-FlaskRelease -Name shop -Session $s -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | Out-String
        $verbose | Should -Match "releases/probe\.sh .* records"
    }

    It 'the old slot''s grace period and stop run on the host after the publish returns; a publish meanwhile waits for them' {
        Set-Version '11'
        $before = Get-State | ConvertFrom-StringData
        $old = "shop-$($before.slot)"
        $p = $publish.Clone(); $p.GraceSeconds = 5
        $r = Publish-FlaskApp @p -ErrorAction Stop
        $r.Status | Should -Be 'Deployed'
        Get-Shown | Should -Be '11'
        # Returned inside the grace period: the old slot still serves requests in flight, the cleanup holds the lock.
        (Invoke-AsAccountNative -Command "supervisorctl status $old").Text | Should -Match 'RUNNING'
        Get-Content "$root/lock/holder" | Should -Match "cleanup after release $($r.ReleaseId) \(stopping $old after 5 s"
        $null = Get-FlaskRelease -Name shop -Session $s -WarningVariable warned 3>$null
        "$warned" | Should -Match 'still cleaning up after the last publish of shop'
        # A publish now waits for the cleanup, then goes live on the slot it stopped.
        Set-Version '12'
        $next = Publish-FlaskApp @publish -ErrorAction Stop
        $next.Status | Should -Be 'Deployed'
        $next.LiveSlot | Should -Be $before.slot
        Get-Shown | Should -Be '12'
        Wait-Cleanup
        Test-Path "$root/lock" | Should -BeFalse
        (Invoke-AsAccountNative -Command "supervisorctl status shop-$($r.LiveSlot)").Text | Should -Match 'STOPPED'
    }
}

Describe 'Publish-FlaskApp makes a true copy of the project' -Tag Integration {
    BeforeAll {
        $script:copy = Join-Path $work 'truecopy'
        Copy-Item (Join-Path $PSScriptRoot 'projects/shop') $copy -Recurse
        New-Item -ItemType Directory (Join-Path $copy 'bin'), (Join-Path $copy 'frontend/dist'), (Join-Path $copy 'names/deeper') | Out-Null
        Set-Content (Join-Path $copy 'bin/task.sh') "#!/bin/sh`necho task"
        & chmod 0755 (Join-Path $copy 'bin/task.sh')
        Set-Content (Join-Path $copy 'frontend/dist/app.js') 'console.log("dist")'
        # A folder linked inside the project, and a file linked beside its target.
        New-Item -ItemType SymbolicLink (Join-Path $copy 'shop/static/dist') -Target '../../frontend/dist' | Out-Null
        New-Item -ItemType SymbolicLink (Join-Path $copy 'shop/static/site.css') -Target 'shop.css' | Out-Null
        # Names git can store, at the top level and below.
        $script:names = @('+page.txt', '-dash.txt', 'it''s "quoted".txt', '$(touch pwned).txt', '`tick`.txt', 'with space.txt', ' lead and trail ',
            '*?[].txt', '100%.txt', 'back\slash.txt', 'tab`there.txt'.Replace('`', "`t"), 'ünïcödé-日本.txt', '#hash;semi&amp|pipe>.txt', ('long-' + 'x' * 120 + '.txt'))
        foreach ($n in $names) {
            # Join-Path would turn the backslash into a separator: the names are joined as they are.
            [IO.File]::WriteAllText("$copy/$n", "top $n")
            [IO.File]::WriteAllText("$copy/names/deeper/$n", "deep $n")
        }
        $script:copyPublish = $publish.Clone()
        $copyPublish.Name = 'truecopy'; $copyPublish.Path = $copy; $copyPublish.WebPath = '/truecopy'
        $script:copyRoot = '/home/isabell/apps/truecopy'
    }
    AfterEach { Wait-Cleanup 'truecopy' }

    It 'every file arrives byte for byte with its name and executable bit, every link as the same link' {
        $r = Publish-FlaskApp @copyPublish -Port 10530 -ErrorAction Stop
        $r.Status | Should -Be 'Deployed'
        $release = "$copyRoot/releases/$($r.ReleaseId)"
        (& stat -c %a "$release/bin/task.sh") | Should -Be '755'
        (& stat -c %a "$release/shop/views.py") | Should -Be '644'
        (& readlink "$release/shop/static/dist") | Should -Be '../../frontend/dist'
        (& readlink "$release/shop/static/site.css") | Should -Be 'shop.css'
        (Get-SandboxPage -Path '/truecopy/static/dist/app.js').Content | Should -Match 'console\.log\("dist"\)'
        foreach ($n in $names) {
            [IO.File]::ReadAllText("$release/$n") | Should -Be "top $n"
            [IO.File]::ReadAllText("$release/names/deeper/$n") | Should -Be "deep $n"
        }
        # Nothing ran a name as a command.
        (Invoke-AsAccountNative -Command 'find ~ -name pwned').Text | Should -BeNullOrEmpty
    }

    It 'a changed executable bit alone makes the file travel again, and it arrives' {
        & chmod 0644 (Join-Path $copy 'bin/task.sh')
        try {
            $r = Publish-FlaskApp @copyPublish -ErrorAction Stop
            $r.Status | Should -Be 'Deployed'
            $r.FilesUploaded | Should -Be 3   # the file and the two links, which always travel
            (& stat -c %a "$copyRoot/releases/$($r.ReleaseId)/bin/task.sh") | Should -Be '644'
        } finally { & chmod 0755 (Join-Path $copy 'bin/task.sh') }
    }

    It 'a slot file edited by hand is not overwritten without -Force; with -Force the old content is kept beside it' {
        $state = (Invoke-AsAccountNative -Command 'cat ~/apps/truecopy/state').Text | ConvertFrom-StringData
        $next = if ($state.slot -eq 'a') { 'b' } else { 'a' }
        $ini = "/home/isabell/etc/services.d/truecopy-$next.ini"
        $null = Invoke-AsAccountNative -Command "sed -i 's/^startsecs=5`$/startsecs=5\nenvironment=HAND=edited/' $ini"
        (Get-Content $ini -Raw) | Should -Match 'environment=HAND=edited'
        Set-Content (Join-Path $copy 'shop/VERSION') 'hand'
        $before = Get-HostSnapshot
        { Publish-FlaskApp @copyPublish -ErrorAction Stop } | Should -Throw -ErrorId 'ConfigEditedByHand,UberspaceFlask.Commands.PublishFlaskAppCommand' -ExpectedMessage "*truecopy-$next.ini*"
        Get-HostSnapshot | Should -Be $before
        $r = Publish-FlaskApp @copyPublish -Force -WarningVariable warned -ErrorAction Stop 3>$null
        $r.Status | Should -Be 'Deployed'
        (Get-Content "$ini.uf-backup" -Raw) | Should -Match 'environment=HAND=edited'
        (Get-Content $ini -Raw) | Should -Not -Match 'environment=HAND'
        "$warned" | Should -Match ([regex]::Escape("$ini.uf-backup"))
    }

    It 'a link that points out of the project is refused by name before anything changes, and its target never travels' {
        $secret = Join-Path $work 'id_private_key'
        Set-Content $secret 'PRIVATE-KEY-BYTES-31337'
        New-Item -ItemType SymbolicLink (Join-Path $copy 'key.pem') -Target $secret | Out-Null
        try {
            $before = Get-HostSnapshot
            { Publish-FlaskApp @copyPublish -ErrorAction Stop } | Should -Throw -ErrorId 'ProjectLinkOutside,UberspaceFlask.Commands.PublishFlaskAppCommand' -ExpectedMessage "*'key.pem'*absolute path*"
            Remove-Item (Join-Path $copy 'key.pem')
            New-Item -ItemType SymbolicLink (Join-Path $copy 'shop/up.txt') -Target '../../id_private_key' | Out-Null
            { Publish-FlaskApp @copyPublish -ErrorAction Stop } | Should -Throw -ErrorId 'ProjectLinkOutside,UberspaceFlask.Commands.PublishFlaskAppCommand' -ExpectedMessage "*'shop/up.txt'*outside the project*"
            Get-HostSnapshot | Should -Be $before
            (Invoke-AsAccountNative -Command 'grep -rl PRIVATE-KEY-BYTES ~/apps || true').Text | Should -BeNullOrEmpty
        } finally { Remove-Item (Join-Path $copy 'key.pem'), (Join-Path $copy 'shop/up.txt') -ErrorAction SilentlyContinue }
    }
}

Describe 'Publish-FlaskApp on a full disk' -Tag Integration {
    BeforeAll {
        # A 1 MB tmpfs as the app's publish directory: a 3 MB file cannot be unpacked there.
        $script:tight = '/home/isabell/apps/tight'
        New-Item -ItemType Directory $tight -Force | Out-Null
        & chown isabell:isabell $tight    # the folder under the mount, used once it is gone
        & mount -t tmpfs -o size=1m tmpfs $tight
        if ($LASTEXITCODE) { throw 'Could not mount a tmpfs (the tests run as root).' }
        & chown isabell:isabell $tight
        $script:tightProject = Join-Path $work 'tight'
        Copy-Item (Join-Path $PSScriptRoot 'projects/shop') $tightProject -Recurse
        $bytes = [byte[]]::new(3MB); [Random]::new(3).NextBytes($bytes)
        [IO.File]::WriteAllBytes((Join-Path $tightProject 'shop/static/big.bin'), $bytes)
        $script:tightPublish = $publish.Clone()
        $tightPublish.Name = 'tight'; $tightPublish.Path = $tightProject; $tightPublish.WebPath = '/tight'
    }
    AfterAll { & umount $tight 2>$null }

    It 'HostDiskFull names the host and the space left, removes the staged files and frees the lock; with room again the publish goes through' {
        $r = Publish-FlaskApp @tightPublish -Port 10540 -ErrorAction SilentlyContinue -ErrorVariable err
        $r.Status | Should -Be 'Failed'
        $r.FailedPhase | Should -Be 'upload'
        $err[0].FullyQualifiedErrorId | Should -Be 'HostDiskFull,UberspaceFlask.Commands.PublishFlaskAppCommand'
        $err[0].Exception.Message | Should -Match 'isabell@127\.0\.0\.1:12222 ran out of disk space .*: \d+ KiB left'
        @(Get-ChildItem "$tight/staging" -ErrorAction SilentlyContinue).Count | Should -Be 0
        Test-Path "$tight/lock" | Should -BeFalse
        & umount $tight
        $r = Publish-FlaskApp @tightPublish -Port 10540 -ErrorAction Stop
        $r.Status | Should -Be 'Deployed'
        (Get-SandboxPage -Path '/tight/static/big.bin').StatusCode | Should -Be 200
    }
}
