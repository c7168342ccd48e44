# Test-FlaskDeployment must name the right cause for each failure Uberspace users report (reference §5).
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'SandboxRunner.psm1') -Force
    Reset-SandboxAccount
    Import-Module $env:UF_MODULE_PATH -Force
    $script:work = (New-Item -ItemType Directory (Join-Path ([IO.Path]::GetTempPath()) ("uf-diag-" + [guid]::NewGuid().ToString('N')))).FullName
    $key = Join-Path $work 'id_ed25519'
    & ssh-keygen -q -t ed25519 -N '' -f $key
    Add-Content /home/isabell/.ssh/authorized_keys (Get-Content "$key.pub")
    $pin = ((& ssh-keygen -lf (Join-Path (Get-SandboxRoot) 'sshd/ssh_host_ed25519_key.pub')) -split ' ')[1]
    $script:s = New-UberspaceSession -HostName 127.0.0.1 -Port 12222 -UserName isabell -KeyFile $key -HostKeyFingerprint $pin -ErrorAction Stop
    $script:front = Get-SandboxFrontendUrl
    $script:healthy = New-FlaskApp -Name diag -Session $s -Package @() -SystemSitePackages -ErrorAction Stop |
        New-UwsgiConfig -Port 10401 | Register-SupervisorService -Name diag -StartSeconds 1 -ErrorAction Stop | Set-WebBackend -ErrorAction Stop |
        Test-FlaskDeployment -FrontendUrl $front
    function Get-Diagnosis { Test-FlaskDeployment -Name diag -Session $s -FrontendUrl $front -ErrorAction Stop }
    function Get-Failed([string] $Check) { Get-Diagnosis | Where-Object { $_.Check -eq $Check -and $_.Status -eq 'Failed' } }
    function Invoke-Host([string] $Command) { Invoke-UberspaceCommand -Session $s -Command $Command -IgnoreExitStatus | Out-Null }
}
AfterAll {
    if ($s) { Remove-UberspaceSession $s }
    if ($work) { Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue }
}

Describe 'Test-FlaskDeployment' -Tag Integration {
    It 'passes every check of a healthy deploy, piped from Set-WebBackend' {
        $healthy.Count | Should -Be 9
        $healthy | Where-Object Status -ne 'Passed' | ForEach-Object { "$($_.Check): $($_.Message)" } | Should -BeNullOrEmpty
        $healthy[0].AppPath | Should -Be '/home/isabell/diag'
    }
    It 'names a missing backend: Apache''s default page' {
        Remove-WebBackend -Path / -Session $s -Confirm:$false
        try {
            $f = Get-Failed 'Web backend'
            $f.Message | Should -Match "Apache's default page"
            $f.Fix | Should -Match 'Set-WebBackend -Path / -Port 10401'
            (Get-Failed 'HTTP page') | Should -BeNullOrEmpty   # Apache answers 200 — the backend check is what names the cause
        } finally { Set-WebBackend -Path / -Port 10401 -Session $s | Out-Null }
    }
    It 'names an app bound to 127.0.0.1 (wrong interface)' {
        Invoke-Host 'sed -i "s/^http-socket = :10401/http-socket = 127.0.0.1:10401/" diag/uwsgi.ini && supervisorctl restart diag'
        try {
            $f = Get-Failed 'Listening socket'
            $f.Message | Should -Match '127\.0\.0\.1 only: the app listens on the wrong interface'
            $f.Fix | Should -Match 'http-socket = :10401'
            (Get-Failed 'uwsgi.ini').Message | Should -Match 'one interface only'
            (Get-Failed 'Web backend').Message | Should -Match 'wrong interface \(127\.0\.0\.1\)'
        } finally { Invoke-Host 'sed -i "s/^http-socket = 127.0.0.1:10401/http-socket = :10401/" diag/uwsgi.ini && supervisorctl restart diag' }
    }
    It 'names a STOPPED service, with the fix' {
        Stop-SupervisorService -Name diag -Session $s
        try {
            $f = Get-Failed 'Service'
            $f.Message | Should -Match "The service 'diag' is STOPPED"
            $f.Fix | Should -Match 'Start-SupervisorService -Name diag'
            (Get-Failed 'Listening socket').Message | Should -Match 'Nothing listens on port 10401'
        } finally { Start-SupervisorService -Name diag -Session $s }
    }
    It 'names a FATAL service, with the traceback from its log' {
        Invoke-Host 'echo "import module_that_is_missing" >> diag/app.py && supervisorctl restart diag; for i in $(seq 60); do supervisorctl status diag | grep -q FATAL && break; sleep 0.5; done'
        try {
            $f = Get-Failed 'Service'
            $f.Message | Should -Match "The service 'diag' is FATAL"
            $f.Message | Should -Match "No module named 'module_that_is_missing'"
        } finally {
            Invoke-Host 'sed -i "/module_that_is_missing/d" diag/app.py'
            Start-SupervisorService -Name diag -Session $s
        }
    }
    It 'names a port in uwsgi.ini that differs from the backend''s' {
        Set-WebBackend -Path / -Port 10409 -Session $s -WarningAction SilentlyContinue | Out-Null
        try {
            $f = Get-Failed 'Web backend'
            $f.Message | Should -Match 'points at port 10409, but uwsgi.ini listens on port 10401 \(port mismatch\)'
            $f.Fix | Should -Match 'Set-WebBackend -Path / -Port 10401'
        } finally { Set-WebBackend -Path / -Port 10401 -Session $s | Out-Null }
    }
    It 'names a sub-path mismatch: mount /sub behind a backend with --remove-prefix' {
        $sub = New-FlaskApp -Name diagsub -Session $s -Package @() -SystemSitePackages | New-UwsgiConfig -Port 10402 -MountPath /sub |
            Register-SupervisorService -Name diagsub -StartSeconds 1 -ErrorAction Stop
        Set-WebBackend -Path /sub -Port 10402 -RemovePrefix -Session $s | Out-Null
        $f = Test-FlaskDeployment -Name diagsub -Session $s -FrontendUrl $front | Where-Object { $_.Check -eq 'Web backend' -and $_.Status -eq 'Failed' }
        $f.Message | Should -Match 'removes the prefix \(--remove-prefix\), but uWSGI mounts the app at /sub \(sub-path mismatch\)'
        $f.Fix | Should -Match 'Set-WebBackend -Path /sub -Port 10402$'
        $f.Fix | Should -Not -Match 'RemovePrefix'
        # The symptom users see: the page's stylesheet link lacks /sub.
        (Get-SandboxPage -Path '/sub/').Content | Should -Match 'href="/static/style.css"'
        $f.Message | Should -Match 'links it builds'
    }
    It 'names a sub-path mismatch: an app at / behind a backend for /other without --remove-prefix' {
        $other = New-FlaskApp -Name diagroot -Session $s -Package @() -SystemSitePackages | New-UwsgiConfig -Port 10403 |
            Register-SupervisorService -Name diagroot -StartSeconds 1 -ErrorAction Stop
        Set-WebBackend -Path /other -Port 10403 -Session $s | Out-Null
        $f = Test-FlaskDeployment -Name diagroot -Session $s -FrontendUrl $front | Where-Object { $_.Check -eq 'Web backend' -and $_.Status -eq 'Failed' }
        $f.Message | Should -Match 'sub-path mismatch'
        $f.Fix | Should -Match 'New-UwsgiConfig -MountPath /other'
    }
    It 'names a missing venv, and how to get it back' {
        Invoke-Host 'mv diag/ENV diag/ENV.away'
        try {
            $f = Get-Failed 'Virtual environment'
            $f.Message | Should -Match 'The venv /home/isabell/diag/ENV is missing'
            $f.Fix | Should -Match 'New-FlaskApp -Path /home/isabell/diag'
        } finally { Invoke-Host 'mv diag/ENV.away diag/ENV' }
    }
    It 'names supervisord not running' {
        Invoke-Host 'supervisorctl shutdown; while [ -S ~/tmp/supervisor.sock ]; do sleep 0.2; done'
        try {
            $f = Get-Failed 'supervisord'
            $f.Message | Should -Match 'supervisord is not running for this account'
            (Get-Diagnosis | Where-Object Check -eq 'Service').Status | Should -Be 'Skipped'
        } finally { Invoke-Host '/usr/bin/supervisord -c ~/etc/supervisord.conf; sleep 2' }
    }
    It 'passes again once everything is repaired' {
        Start-SupervisorService -Name diag -Session $s -ErrorAction SilentlyContinue
        Get-Diagnosis | Where-Object Status -ne 'Passed' | ForEach-Object { "$($_.Check): $($_.Message)" } | Should -BeNullOrEmpty
    }
    It 'fetches a mounted app''s page under its mount path (the probe''s early fetch of / is not taken for it)' {
        New-FlaskApp -Name diagmount -Session $s -Package @() -SystemSitePackages -Message 'the mounted one' | New-UwsgiConfig -Port 10404 -MountPath /mounted |
            Register-SupervisorService -Name diagmount -StartSeconds 1 -ErrorAction Stop | Set-WebBackend -Path /mounted -ErrorAction Stop | Out-Null
        $checks = Test-FlaskDeployment -Name diagmount -Session $s -FrontendUrl $front
        $checks | Where-Object Status -ne 'Passed' | ForEach-Object { "$($_.Check): $($_.Message)" } | Should -BeNullOrEmpty
        ($checks | Where-Object Check -eq 'HTTP page').Message | Should -Be "$front/mounted/ answers 200."
        ($checks | Where-Object Check -eq 'HTTP static file').Message | Should -Be "$front/mounted/static/style.css answers 200."
    }
    It 'by -Name, an app of the guide''s pipeline is probed in the round trip that asks whether it is published' {
        $records = Test-FlaskDeployment -Name diag -Session $s -FrontendUrl $front -Verbose 4>&1
        $commands = @($records | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -match '\] \$ (\S+)\.sh' } | ForEach-Object { $Matches[1] })
        $commands | Should -Be @('diagnosis/published')
        $records | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] -and $_.Status -ne 'Passed' } | ForEach-Object { "$($_.Check): $($_.Message)" } | Should -BeNullOrEmpty
        @($records | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }).Count | Should -Be 9
    }
    It 'uses the backend list the step before handed over, as the host showed it after any change' {
        $verboseOf = { param($records) @($records | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message) }
        $pipeline = { New-FlaskApp -Name diag -Session $s -Package @() -SystemSitePackages | New-UwsgiConfig -Port 10401 |
            Register-SupervisorService -Name diag -StartSeconds 1 | Set-WebBackend | Test-FlaskDeployment -FrontendUrl $front -Verbose 4>&1 }
        # A no-op pipeline: Test-FlaskDeployment asks no `uberspace web backend list` of its own.
        $records = & $pipeline
        @(& $verboseOf $records) -match 'as read by the step before' | Should -Not -BeNullOrEmpty
        ($records | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] -and $_.Status -ne 'Passed' }) | Should -BeNullOrEmpty
        # Set-WebBackend changes the backend and hands on the list after the change; the list before it would show
        # no backend for / (Apache's default page) and fail the check.
        Remove-WebBackend -Path / -Session $s -Confirm:$false
        $records = & $pipeline
        @(& $verboseOf $records) -match 'as read by the step before' | Should -Not -BeNullOrEmpty
        $checks = $records | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }
        ($checks | Where-Object Check -eq 'Web backend').Status | Should -Be 'Passed'
        $checks | Where-Object Status -ne 'Passed' | ForEach-Object { "$($_.Check): $($_.Message)" } | Should -BeNullOrEmpty
    }
    It 'does not report a backend''s status from before the app was restarted' {
        # A new startsecs rewrites the service ini and restarts the app: new pids behind an unchanged backend.
        $service = New-FlaskApp -Name diag -Session $s -Package @() -SystemSitePackages | New-UwsgiConfig -Port 10401 |
            Register-SupervisorService -Name diag -StartSeconds 2 -ErrorAction Stop
        $service.Changed | Should -BeTrue
        $web = $service | Set-WebBackend -ErrorAction Stop
        $web.Changed | Should -BeFalse
        $web.Pid | Should -Be (Get-WebBackend -Path / -Session $s).Pid
        # Piped straight on, the restarted service's list (read before the restart) is not used for the check.
        $records = $service | Test-FlaskDeployment -FrontendUrl $front -Verbose 4>&1
        @($records | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message) -match 'as read by the step before' | Should -BeNullOrEmpty
        $records | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] -and $_.Status -eq 'Failed' } | Should -BeNullOrEmpty
    }
}
