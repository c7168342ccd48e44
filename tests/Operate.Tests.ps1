# Re-runs, -WhatIf, the lifecycle cmdlets and faults at deploy time, over SSH against the sandbox.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'SandboxRunner.psm1') -Force
    Reset-SandboxAccount
    Import-Module $env:UF_MODULE_PATH -Force
    $script:work = (New-Item -ItemType Directory (Join-Path ([IO.Path]::GetTempPath()) ("uf-operate-" + [guid]::NewGuid().ToString('N')))).FullName
    $script:key = Join-Path $work 'id_ed25519'
    & ssh-keygen -q -t ed25519 -N '' -f $key
    Add-Content /home/isabell/.ssh/authorized_keys (Get-Content "$key.pub")
    $pin = ((& ssh-keygen -lf (Join-Path (Get-SandboxRoot) 'sshd/ssh_host_ed25519_key.pub')) -split ' ')[1]
    $script:s = New-UberspaceSession -HostName 127.0.0.1 -Port 12222 -UserName isabell -KeyFile $key -HostKeyFingerprint $pin -ErrorAction Stop

    function Invoke-Deploy([int] $Port = 10301, [string] $Message = 'Hello again', [switch] $Force, [string] $TemplatePath) {
        $extra = @{}
        if ($TemplatePath) { $extra.TemplatePath = $TemplatePath }
        $app = New-FlaskApp -Name basic_flask -Session $s -Message $Message -Package @() -SystemSitePackages -Force:$Force @extra -ErrorAction Stop
        $cfg = $app | New-UwsgiConfig -Port $Port -ErrorAction Stop
        $svc = $cfg | Register-SupervisorService -Name flask -StartSeconds 1 -ErrorAction Stop
        $be = $svc | Set-WebBackend -ErrorAction Stop
        [pscustomobject]@{ App = $app; Config = $cfg; Service = $svc; Backend = $be }
    }
    # What a -WhatIf must not change: every file's mtime and size in the home, the services and the backends.
    function Get-HostState {
        (Invoke-UberspaceCommand -Session $s -Command 'find . -path ./.cache -prune -o -path ./logs -prune -o -path ./tmp -prune -o -printf "%p %T@ %s\n" | sort; supervisorctl status | awk "{print \$1, \$2, \$4}"; uberspace web backend list').Stdout
    }
    function Get-Mtime([string] $Path) { [double]((Invoke-UberspaceCommand -Session $s -Command "stat -c %.Y $Path").Stdout.Trim()) }
}
AfterAll {
    if ($s) { Remove-UberspaceSession $s }
    if ($work) { Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue }
}

Describe 'Re-running the pipeline' -Tag Integration {
    BeforeAll {
        $script:first = Invoke-Deploy
        $script:mtimes = @{}
        foreach ($f in 'basic_flask/app.py', 'basic_flask/templates/index.html', 'basic_flask/uwsgi.ini', 'etc/services.d/flask.ini') { $mtimes[$f] = Get-Mtime $f }
        Start-Sleep -Milliseconds 1100   # a rewrite would show in the timestamps
        $script:second = Invoke-Deploy
    }
    It 'the first run changes things and serves the page' {
        $first.App.Changed | Should -BeTrue
        $first.Backend.StatusKind | Should -Be 'Ok'
        (Get-SandboxPage -Path '/').Content | Should -Match 'Hello again'
    }
    It 'the same inputs again: every object says Changed = $false' {
        $second.App.Changed | Should -BeFalse
        $second.Config.Changed | Should -BeFalse
        $second.Service.Changed | Should -BeFalse
        $second.Service.Restarted | Should -BeFalse
        $second.Backend.Changed | Should -BeFalse
    }
    It 'New-UwsgiConfig takes what New-FlaskApp''s probe saw when that changed nothing, and only for the app''s own venv' {
        $app = New-FlaskApp -Name basic_flask -Session $s -Message 'Hello again' -Package @() -SystemSitePackages -ErrorAction Stop
        $app.Changed | Should -BeFalse
        $records = $app | New-UwsgiConfig -Port 10301 -Verbose 4>&1
        ($records | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -match 'as New-FlaskApp''s probe saw them' | Should -Not -BeNullOrEmpty
        ($records | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }).Changed | Should -BeFalse
        # Another venv than the one New-FlaskApp looked at: New-UwsgiConfig must look itself, and finds none there.
        $err = $null
        $app | New-UwsgiConfig -Port 10301 -VenvPath '/home/isabell/no-such-venv' -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
        $err[0].FullyQualifiedErrorId | Should -BeLike 'VenvNotFound,*'
    }
    It 'writes no file and restarts nothing' {
        foreach ($f in $mtimes.Keys) { Get-Mtime $f | Should -Be $mtimes[$f] -Because "$f must not be rewritten" }
        $second.Service.Pid | Should -Be $first.Service.Pid
    }
    It 'a changed port rewrites uwsgi.ini only, restarts the service and moves the backend' {
        $appBefore = Get-Mtime 'basic_flask/app.py'
        $third = Invoke-Deploy -Port 10302
        $third.App.Changed | Should -BeFalse
        $third.Config.Changed | Should -BeTrue
        Get-Mtime 'basic_flask/app.py' | Should -Be $appBefore
        $third.Service.Restarted | Should -BeTrue
        $third.Service.Reason | Should -Match 'uwsgi\.ini'
        $third.Service.Pid | Should -Not -Be $first.Service.Pid
        $third.Backend.Changed | Should -BeTrue
        $third.Backend.Port | Should -Be 10302
        $third.Backend.StatusKind | Should -Be 'Ok'
        (Get-SandboxPage -Path '/').Content | Should -Match 'Hello again'
    }
    It 'a changed template restarts the service (Jinja caches templates), and the page shows it' {
        $tpl = Join-Path $work 'templates'
        New-Item -ItemType Directory $tpl -Force | Out-Null
        Set-Content (Join-Path $tpl 'index.html.liquid') '<html><body><h1>{% raw %}{{message}}{% endraw %}</h1><p>new template</p></body></html>'
        $r = Invoke-Deploy -Port 10302 -Force -TemplatePath $tpl
        $r.App.Changed | Should -BeTrue
        $r.Config.Changed | Should -BeFalse
        $r.Service.Restarted | Should -BeTrue
        $r.Service.Reason | Should -Match 'index\.html'
        (Get-SandboxPage -Path '/').Content | Should -Match 'new template'
    }
}

Describe '-WhatIf changes nothing' -Tag Integration {
    BeforeAll {
        # The deploy before returned once the app answered; let supervisord's startsecs run out first, so the
        # snapshot does not see STARTING turn into RUNNING on its own.
        $deadline = (Get-Date).AddSeconds(20)
        while ((Invoke-UberspaceCommand -Session $s -Command 'supervisorctl status flask').Stdout -notmatch 'RUNNING' -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 200 }
        $script:before = Get-HostState
        New-FlaskApp -Name basic_flask -Session $s -Message 'Would change' -Package @() -SystemSitePackages -Force -WhatIf | Should -BeNullOrEmpty
        New-FlaskApp -Name brand_new -Session $s -Package @() -SystemSitePackages -WhatIf | Should -BeNullOrEmpty
        New-UwsgiConfig -Path ~/basic_flask -Port 10399 -Session $s -WhatIf | Should -BeNullOrEmpty
        Register-SupervisorService -Name flask -StartSeconds 7 -AppPath ~/basic_flask -Session $s -WhatIf | Should -BeNullOrEmpty
        Set-WebBackend -Path /whatif -Port 10399 -Session $s -WhatIf | Should -BeNullOrEmpty
        Stop-SupervisorService -Name flask -Session $s -WhatIf
        Restart-SupervisorService -Name flask -Session $s -WhatIf
        Unregister-SupervisorService -Name flask -Session $s -WhatIf
        Remove-WebBackend -Path / -Session $s -WhatIf
        Remove-FlaskApp -Name basic_flask -Session $s -Force -WhatIf
        $script:after = Get-HostState
    }
    It 'leaves every file, service and backend as it was' {
        $after | Should -Be $before
    }
    It 'tells what it would change, with a short diff summary' {
        # "What if:" lines go to the host, so ask a separate pwsh and read its output.
        $pin = $s.HostKeyFingerprint
        $code = @"
Import-Module '$($env:UF_MODULE_PATH)'
`$s = New-UberspaceSession -HostName 127.0.0.1 -Port 12222 -UserName isabell -KeyFile '$key' -HostKeyFingerprint '$pin'
New-FlaskApp -Name basic_flask -Session `$s -Message 'Would change' -Package @() -SystemSitePackages -Force -WhatIf
New-UwsgiConfig -Path ~/basic_flask -Port 10399 -Session `$s -WhatIf
Register-SupervisorService -Name flask -StartSeconds 7 -AppPath ~/basic_flask -Session `$s -WhatIf
"@
        $out = (& dotnet (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -Command $code 2>&1) -join "`n"
        # One ShouldProcess per change, in the same words in every cmdlet.
        $out = $out -replace '\s*\n\s*', ' '
        $out | Should -Match 'What if: Performing the operation "Overwrite file" on target "isabell@127\.0\.0\.1:12222: /home/isabell/basic_flask/app\.py \(\+1 -1 lines'
        $out | Should -Match 'What if: Performing the operation "Overwrite file" on target "isabell@127\.0\.0\.1:12222: /home/isabell/basic_flask/uwsgi\.ini \(\+1 -1 lines\)"'
        $out | Should -Match 'What if: Performing the operation "Overwrite file" on target "isabell@127\.0\.0\.1:12222: /home/isabell/etc/services\.d/flask\.ini \(\+1 -1 lines\)"'
        $out | Should -Match 'What if: Performing the operation "Run" on target "isabell@127\.0\.0\.1:12222: supervisorctl update flask"'
        Get-HostState | Should -Be $before
    }
}

Describe 'Lifecycle cmdlets' -Tag Integration {
    It 'Get-SupervisorService lists flask RUNNING with pid, uptime and app directory' {
        $svc = Get-SupervisorService -Name flask -Session $s -ErrorAction Stop
        $svc.State | Should -Be 'RUNNING'
        $svc.Pid | Should -BeGreaterThan 0
        $svc.Uptime | Should -BeOfType [timespan]
        $svc.AppPath | Should -Be '/home/isabell/basic_flask'
        $svc.ConfigPath | Should -Be '/home/isabell/etc/services.d/flask.ini'
    }
    It 'Get-SupervisorService with an unknown name is ServiceNotFound' {
        { Get-SupervisorService -Name nosuch -Session $s -ErrorAction Stop } | Should -Throw -ErrorId 'ServiceNotFound,UberspaceFlask.Commands.GetSupervisorServiceCommand'
    }
    It 'Stop, Start and Restart pipe from Get-SupervisorService' {
        $stopped = Get-SupervisorService flask -Session $s | Stop-SupervisorService -PassThru -ErrorAction Stop
        $stopped.State | Should -Be 'STOPPED'
        (Get-SandboxPage -Path '/').StatusCode | Should -Be 502
        $started = Get-SupervisorService flask -Session $s | Start-SupervisorService -PassThru -ErrorAction Stop
        # They return once the app answers: supervisord may still say STARTING (startsecs is a crash guard, not a wait).
        $started.State | Should -BeIn @('STARTING', 'RUNNING')
        $started.Ready | Should -BeTrue
        $restarted = Restart-SupervisorService -Name flask -Session $s -PassThru -ErrorAction Stop
        $restarted.State | Should -BeIn @('STARTING', 'RUNNING')
        $restarted.Ready | Should -BeTrue
        $restarted.Pid | Should -Not -Be $started.Pid
        (Get-SandboxPage -Path '/').StatusCode | Should -Be 200
    }
    It 'Restart-FlaskApp on an app of the guide''s pipeline (no release) restarts its service' {
        $before = Get-SupervisorService flask -Session $s
        $restarted = Restart-FlaskApp -Name flask -Session $s -ErrorAction Stop
        $restarted | Should -BeOfType ([UberspaceFlask.SupervisorService])
        $restarted.Ready | Should -BeTrue
        $restarted.Pid | Should -Not -Be $before.Pid
        (Get-SandboxPage -Path '/').StatusCode | Should -Be 200
        Restart-FlaskApp -Name nosuchapp -Session $s -ErrorAction SilentlyContinue -ErrorVariable err | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ServiceNotFound,*'
    }
    It 'Get-FlaskLog reads an app of the guide''s pipeline: line objects with stream and text' {
        $lines = @(Get-FlaskLog -Name flask -Session $s -Stream Stderr -Tail 20 -ErrorAction Stop)
        $lines.Count | Should -BeGreaterThan 0
        $lines.Count | Should -BeLessOrEqual 20
        ($lines.Text -join "`n") | Should -Match 'uWSGI'
        @($lines | Where-Object Stream -ne 'Stderr').Count | Should -Be 0
    }
    It 'Get-SupervisorLog shows uWSGI''s stderr' {
        $log = Get-SupervisorLog -Name flask -Session $s -ErrorAction Stop
        ($log -join "`n") | Should -Match 'uWSGI'
    }
    It 'Get-WebBackend lists the backends with status; Remove-WebBackend deletes one' {
        Set-WebBackend -Path /extra -Port 10302 -Session $s -ErrorAction Stop | Out-Null
        $all = Get-WebBackend -Session $s -ErrorAction Stop
        ($all | Where-Object Path -eq '/').StatusKind | Should -Be 'Ok'
        ($all | Where-Object Path -eq '/extra').Port | Should -Be 10302
        Get-WebBackend -Path /ex* -Session $s | Remove-WebBackend -Confirm:$false -ErrorAction Stop
        (Get-WebBackend -Session $s).Path | Should -Not -Contain '/extra'
        { Remove-WebBackend -Path /extra -Session $s -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'WebBackendNotFound,UberspaceFlask.Commands.RemoveWebBackendCommand'
    }
    It 'Remove-FlaskApp refuses an app a service still runs, and a directory that is no app' {
        { Remove-FlaskApp -Name basic_flask -Session $s -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'AppInUse,UberspaceFlask.Commands.RemoveFlaskAppCommand'
        { Remove-FlaskApp -Path ~/etc -Session $s -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'NotAFlaskApp,UberspaceFlask.Commands.RemoveFlaskAppCommand'
        { Remove-FlaskApp -Path /tmp -Session $s -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidPath,UberspaceFlask.Commands.RemoveFlaskAppCommand'
    }
    It 'Unregister-SupervisorService stops, removes and deletes the ini; then Remove-FlaskApp deletes the app' {
        Unregister-SupervisorService -Name flask -Session $s -Confirm:$false -ErrorAction Stop
        (Invoke-UberspaceCommand -Session $s -Command 'supervisorctl status flask' -IgnoreExitStatus).Stdout | Should -Match 'no such process'
        (Invoke-UberspaceCommand -Session $s -Command 'test -e etc/services.d/flask.ini' -IgnoreExitStatus).ExitStatus | Should -Be 1
        Remove-FlaskApp -Name basic_flask -Session $s -Confirm:$false -ErrorAction Stop
        (Invoke-UberspaceCommand -Session $s -Command 'test -e basic_flask' -IgnoreExitStatus).ExitStatus | Should -Be 1
    }
}

Describe 'Faults at deploy time' -Tag Integration {
    BeforeAll {
        $script:app = New-FlaskApp -Name faulty -Session $s -Package @() -SystemSitePackages -ErrorAction Stop | New-UwsgiConfig -Port 10311 -ErrorAction Stop
    }
    It 'the port already held by another process: PortInUse, before anything is written' {
        Invoke-UberspaceCommand -Session $s -Command 'cd /tmp && (setsid python3 -m http.server 10311 --bind 0.0.0.0 >/dev/null 2>&1 &) ; sleep 1' | Out-Null
        try {
            $err = { $app | Register-SupervisorService -Name faulty -StartSeconds 1 -ErrorAction Stop } |
                Should -Throw -ErrorId 'PortInUse,UberspaceFlask.Commands.RegisterSupervisorServiceCommand' -PassThru
            $err.Exception.Message | Should -Match 'python3'
            (Invoke-UberspaceCommand -Session $s -Command 'test -e etc/services.d/faulty.ini' -IgnoreExitStatus).ExitStatus | Should -Be 1
        } finally {
            Invoke-UberspaceCommand -Session $s -Command 'pkill -f "http.server 10311"' -IgnoreExitStatus | Out-Null
        }
    }
    It 'a service name another program uses: ServiceNameInUse, and its ini is left alone' {
        $other = New-FlaskApp -Name other_app -Session $s -Package @() -SystemSitePackages -ErrorAction Stop | New-UwsgiConfig -Port 10312 -ErrorAction Stop |
            Register-SupervisorService -Name shared -StartSeconds 1 -ErrorAction Stop
        $iniBefore = (Invoke-UberspaceCommand -Session $s -Command 'cat etc/services.d/shared.ini').Stdout
        { $app | Register-SupervisorService -Name shared -StartSeconds 1 -ErrorAction Stop } |
            Should -Throw -ErrorId 'ServiceNameInUse,UberspaceFlask.Commands.RegisterSupervisorServiceCommand'
        (Invoke-UberspaceCommand -Session $s -Command 'cat etc/services.d/shared.ini').Stdout | Should -Be $iniBefore
        $other.Ready | Should -BeTrue
    }
    It 'the uberspace command missing: UberspaceCommandNotFound' {
        Invoke-UberspaceCommand -Session $s -Command 'mv bin/uberspace bin/uberspace.away' | Out-Null
        try {
            { Set-WebBackend -Path /faulty -Port 10311 -Session $s -ErrorAction Stop } |
                Should -Throw -ErrorId 'UberspaceCommandNotFound,UberspaceFlask.Commands.SetWebBackendCommand'
        } finally {
            Invoke-UberspaceCommand -Session $s -Command 'mv bin/uberspace.away bin/uberspace' | Out-Null
        }
    }
    It 'supervisord not running: SupervisorNotRunning, before anything is written' {
        # shutdown returns before supervisord has stopped its programs and exited: wait for it.
        Invoke-UberspaceCommand -Session $s -Command 'supervisorctl shutdown; while [ -S ~/tmp/supervisor.sock ]; do sleep 0.2; done' | Out-Null
        try {
            { $app | Register-SupervisorService -Name faulty -StartSeconds 1 -ErrorAction Stop } |
                Should -Throw -ErrorId 'SupervisorNotRunning,UberspaceFlask.Commands.RegisterSupervisorServiceCommand'
            (Invoke-UberspaceCommand -Session $s -Command 'test -e etc/services.d/faulty.ini' -IgnoreExitStatus).ExitStatus | Should -Be 1
            { Get-SupervisorService -Session $s -ErrorAction Stop } | Should -Throw -ErrorId 'SupervisorNotRunning,*'
        } finally {
            Invoke-UberspaceCommand -Session $s -Command '/usr/bin/supervisord -c ~/etc/supervisord.conf; sleep 1' | Out-Null
        }
        ($app | Register-SupervisorService -Name faulty -StartSeconds 1 -ErrorAction Stop).Ready | Should -BeTrue
    }
}
