# Fast tests of the step contract: every plan is a pure function of a validated spec and the probed facts, so each
# decision is tested here without a host. Also the defect classes of the host-side rebuild, each with a case that
# failed before its fix: line breaks in validated values, hand-edited files, symbolic links, normalised home paths,
# a diagnosis check that could not fail, secrets in pip arguments, text beyond the BMP, forged output framing.
BeforeDiscovery {
    $script:lineBreaks = @(
        @{ Name = 'LF'; Char = "`n" }, @{ Name = 'CR'; Char = "`r" }, @{ Name = 'VT'; Char = [string][char]0x0B }, @{ Name = 'FF'; Char = [string][char]0x0C }
        @{ Name = 'NEL'; Char = [string][char]0x85 }, @{ Name = 'LS'; Char = [string][char]0x2028 }, @{ Name = 'PS'; Char = [string][char]0x2029 }
    )
}

BeforeAll {
    Import-Module $env:UF_MODULE_PATH -Force
    # PowerShell passes $null to a string parameter as ''; the core's optional strings want a real null.
    $script:N = [NullString]::Value
    Import-Module (Join-Path $PSScriptRoot 'CoreTypes.psm1') -Force
    function New-HostFile([string] $Text, [switch] $Link) { (Get-CoreType HostFile)::new($true, [bool]$Link, $Text) }
    $script:Missing = (Get-CoreType HostFile)::Missing
    function Seal([string] $Text, [string] $Path) { (Get-CoreType GeneratedFile)::Seal($Text, $Path) }

    # Facts as a probe of a healthy Register-SupervisorService re-run would report them.
    $script:accountHome = '/home/isabell'
    $script:uwsgiIni = (Get-CoreType UwsgiIni)::Render('basic_flask', '/home/isabell/basic_flask', '', 'app', '/', 10241, 1, 0, [string[]]@('python3'), $N)
    $script:serviceIni = Seal ((Get-CoreType ServiceIni)::Render($accountHome, 'flask', '/home/isabell/basic_flask', '/usr/bin/uwsgi', 15, $N)) 'x.ini'
    function New-SupervisorFacts([string] $Status = "flask RUNNING   pid 4242, uptime 0:01:00", [string] $Listeners = 'LISTEN 0 100 0.0.0.0:10241 0.0.0.0:* users:(("uwsgi",pid=4242,fd=3),("uwsgi",pid=4243,fd=3))') {
        $f = (Get-CoreType SupervisorFacts)::new()
        $f.Home = $accountHome; $f.AppPath = '/home/isabell/basic_flask'; $f.SystemUwsgi = '/usr/bin/uwsgi'
        $f.UwsgiIni = New-HostFile (Seal $uwsgiIni 'uwsgi.ini'); $f.ServiceIni = New-HostFile $serviceIni
        $f.StatusText = $Status; $f.StatusExit = 0
        $f.Listeners = (Get-CoreType Listeners)::Parse($Listeners)
        $f.BackendList = "/ http:10241 => OK, listening: PID 4242, uwsgi`n"
        $f
    }
    function New-SupervisorSpec([switch] $Force, [int] $StartSeconds = 15) { (Get-CoreType SupervisorSpec)::Create('flask', '~/basic_flask', $N, $StartSeconds, 45, $N, [bool]$Force) }
    function New-Master([int] $ProcessId, [string] $Elapsed = '05:00') {
        $m = (Get-CoreType MasterReport)::new(); $m.Pid = $ProcessId; $m.Uptime = (Get-CoreType SupervisorStatusParser)::ParseElapsed($Elapsed)
        $m
    }
    function Add-PidFile($Facts, [int] $ProcessId, [string[]] $Newer = @()) {
        $p = (Get-CoreType PidFileFacts)::new(); $p.Path = '/home/isabell/basic_flask/basic_flask.pid'; $p.Pid = $ProcessId
        foreach ($n in $Newer) { $p.NewerFiles.Add($n) }
        $Facts.PidFiles.Add($p)
    }
}

Describe 'No line break of any kind passes validation' {
    It '<Name> at the end of a backend path is InvalidBackendPath, before anything runs' -ForEach $lineBreaks {
        { Set-WebBackend -Path "/app$Char" -Port 1024 -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidBackendPath,UberspaceFlask.Commands.SetWebBackendCommand'
    }
    It '<Name> in every kind of validated value is refused' -ForEach $lineBreaks {
        $v = Get-CoreType InputValidation
        Get-ErrorId { $v::AppName("app$Char") } | Should -Be 'InvalidAppName'
        Get-ErrorId { $v::ServiceName("flask$Char") } | Should -Be 'InvalidServiceName'
        Get-ErrorId { $v::HostPath("~/app$Char") } | Should -Be 'InvalidPath'
        Get-ErrorId { $v::MountPath("/app$Char") } | Should -Be 'InvalidMountPath'
        Get-ErrorId { $v::Domain("example.org$Char") } | Should -Be 'InvalidDomain'
        Get-ErrorId { $v::EntryModule("app$Char") } | Should -Be 'InvalidEntryModule'
        Get-ErrorId { $v::PackageSpec("flask$Char") } | Should -Be 'InvalidPackage'
        Get-ErrorId { $v::Plugin("python3$Char") } | Should -Be 'InvalidPlugin'
        Get-ErrorId { $v::Message("hello${Char}world") } | Should -Be 'InvalidMessage'
        Get-ErrorId { $v::PipArgument("--pre${Char}x") } | Should -Be 'InvalidPipArgument'
        Get-ErrorId { $v::FrontendUrl("http://127.0.0.1:18080$Char") } | Should -Be 'InvalidFrontendUrl'
    }
    It 'a domain with a trailing newline does not reach Set-WebBackend''s plan' {
        { Set-WebBackend -Path / -Domain "example.org`n" -Port 1024 -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidDomain,UberspaceFlask.Commands.SetWebBackendCommand'
    }
}

Describe 'Generated files: the seal tells a hand edit from the module''s own writing' {
    It 'an untouched file the module wrote may be replaced; an edited one is the user''s' {
        $sealed = Seal "[uwsgi]`nhttp-socket = :1024`n" 'uwsgi.ini'
        (Get-CoreType GeneratedFile)::IsUntouched($sealed) | Should -BeTrue
        (Get-CoreType GeneratedFile)::IsUntouched($sealed.Replace(':1024', ':1025')) | Should -BeFalse
        (Get-CoreType GeneratedFile)::IsUntouched("[uwsgi]`nhttp-socket = :1024`n") | Should -BeFalse
    }
    It 'a new rendering over an untouched file is an update that needs no -Force' {
        $old = Seal "[uwsgi]`nhttp-socket = :1024`n" 'uwsgi.ini'
        $c = (Get-CoreType FileChange)::new('/h/app/uwsgi.ini', "[uwsgi]`nhttp-socket = :1025`n", (New-HostFile $old), $false)
        $c.Kind.ToString() | Should -Be 'Update'
        $c.HandEdited | Should -BeFalse
        $c.ToChange().Target | Should -Be '/h/app/uwsgi.ini (+1 -1 lines)'
    }
    It 'an added environment= line is a hand edit; with -Force the old content is kept beside it' {
        $edited = (Seal "[program:flask]`ndirectory=x`n" 'flask.ini') + "environment=SECRET=1`n"
        $c = (Get-CoreType FileChange)::new('/h/etc/services.d/flask.ini', "[program:flask]`ndirectory=x`n", (New-HostFile $edited), $false)
        $c.HandEdited | Should -BeTrue
        $c.BackupPath | Should -BeNullOrEmpty
        $forced = (Get-CoreType FileChange)::new('/h/etc/services.d/flask.ini', "[program:flask]`ndirectory=x`n", (New-HostFile $edited), $true)
        $forced.BackupPath | Should -Be '/h/etc/services.d/flask.ini.uf-backup'
        $forced.ToChange().Target | Should -Match 'keeping the old content as /h/etc/services\.d/flask\.ini\.uf-backup'
    }
    It 'a symbolic link at the target is never "unchanged" and never written through' {
        $content = "h1 { color: blue; }`n"
        $c = (Get-CoreType FileChange)::new('/h/app/static/style.css', $content, (New-HostFile $content -Link), $false)
        $c.Kind.ToString() | Should -Be 'Update'
        $c.HandEdited | Should -BeTrue
        (Get-CoreType FileChange)::new('/h/app/static/style.css', $content, (New-HostFile $content -Link), $true).ToChange().Target | Should -Match 'replacing the symbolic link itself'
    }
    It 'New-UwsgiConfig''s plan refuses a hand-edited uwsgi.ini without -Force: ConfigEditedByHand' {
        $f = (Get-CoreType UwsgiFacts)::new()
        $f.Home = $accountHome; $f.AppPath = '/home/isabell/basic_flask'; $f.VenvPath = '/home/isabell/basic_flask/ENV'; $f.HasEntry = $true; $f.SystemUwsgi = '/usr/bin/uwsgi'
        $f.Ini = New-HostFile ((Seal $uwsgiIni 'uwsgi.ini') + "env = SECRET=1`n")
        $spec = (Get-CoreType UwsgiSpec)::Create('~/basic_flask', $N, 'app', $N, 10241, '/', 1, 0, $null, $N, $N, $false)
        Get-ErrorId { (Get-CoreType UwsgiConfigWriter)::Plan($spec, $f) } | Should -Be 'ConfigEditedByHand'
        $forced = (Get-CoreType UwsgiSpec)::Create('~/basic_flask', $N, 'app', $N, 10241, '/', 1, 0, $null, $N, $N, $true)
        (Get-CoreType UwsgiConfigWriter)::Plan($forced, $f).Ini.BackupPath | Should -Be '/home/isabell/basic_flask/uwsgi.ini.uf-backup'
    }
    It 'New-FlaskApp''s uWSGI facts answer New-UwsgiConfig only for the same app, entry module and own venv, no -UwsgiPath: <Case>' -ForEach @(
        @{ Case = 'as piped'; App = '/home/isabell/basic_flask'; Entry = 'app'; Venv = '/home/isabell/basic_flask/ENV'; Uwsgi = $null; Answers = $true }
        @{ Case = 'no venv given'; App = '/home/isabell/basic_flask/'; Entry = 'app'; Venv = $null; Uwsgi = $null; Answers = $true }
        @{ Case = 'another entry module'; App = '/home/isabell/basic_flask'; Entry = 'main'; Venv = $null; Uwsgi = $null; Answers = $false }
        @{ Case = 'another venv'; App = '/home/isabell/basic_flask'; Entry = 'app'; Venv = '/home/isabell/venvs/x'; Uwsgi = $null; Answers = $false }
        @{ Case = 'a uWSGI named'; App = '/home/isabell/basic_flask'; Entry = 'app'; Venv = $null; Uwsgi = '/usr/bin/uwsgi'; Answers = $false }
        @{ Case = 'another app'; App = '/home/isabell/other'; Entry = 'app'; Venv = $null; Uwsgi = $null; Answers = $false }
        @{ Case = 'a path relative to a home not known here'; App = '~/basic_flask'; Entry = 'app'; Venv = $null; Uwsgi = $null; Answers = $false }
    ) {
        $f = (Get-CoreType UwsgiFacts)::new()
        $f.Home = $accountHome; $f.AppPath = '/home/isabell/basic_flask'; $f.VenvPath = '/home/isabell/basic_flask/ENV'; $f.HasEntry = $true
        $spec = (Get-CoreType UwsgiSpec)::Create($App, $N, $Entry, ($Venv ?? $N), 10241, '/', 1, 0, $null, ($Uwsgi ?? $N), $N, $false)
        (Get-CoreType UwsgiConfigWriter)::Answers($f, 'app', $spec) | Should -Be $Answers
    }
}

Describe 'Paths compared normalised, whatever $HOME looks like' {
    It '<HomeDir> as home: the home itself is not inside it, a directory below is' -ForEach @(
        @{ HomeDir = '/home/isabell' }, @{ HomeDir = '/home/isabell/' }, @{ HomeDir = '/home//isabell' }
    ) {
        $hp = Get-CoreType HostPaths
        $hp::RelativeToHome($HomeDir, '/home/isabell') | Should -BeNullOrEmpty
        $hp::RelativeToHome($HomeDir, '/home/isabell/') | Should -BeNullOrEmpty
        $hp::RelativeToHome($HomeDir, '/home/isabell/app') | Should -Be 'app'
        $hp::RelativeToHome($HomeDir, '/home/isabellx/app') | Should -BeNullOrEmpty
        $hp::ForSupervisor($HomeDir, '/home/isabell/app') | Should -Be '%(ENV_HOME)s/app'
    }
    It 'a home of / never lets / itself be removed' {
        (Get-CoreType HostPaths)::RelativeToHome('/', '/') | Should -BeNullOrEmpty
        $f = (Get-CoreType AppRemovalFacts)::new(); $f.Home = '/'; $f.AppPath = '/'; $f.IsDirectory = $true; $f.MadeByModule = $true
        Get-ErrorId { (Get-CoreType FlaskAppRemover)::Plan($f, $true) } | Should -Be 'InvalidPath'
    }
    It 'New-FlaskApp''s plan refuses the home as app directory, with or without a trailing slash' -ForEach @(@{ HomeDir = '/home/isabell/' }, @{ HomeDir = '/home/isabell' }) {
        $spec = (Get-CoreType FlaskAppSpec)::Create('x', '~', $N, 'app', $N, [string[]]@(), [string[]]@(), $true, $N, $false)
        $f = (Get-CoreType FlaskAppFacts)::new(); $f.Home = $HomeDir; $f.AppPath = '/home/isabell'; $f.Python = '/usr/bin/python3'
        Get-ErrorId { (Get-CoreType FlaskAppScaffolder)::Plan($spec, $f) } | Should -Be 'InvalidPath'
    }
    It 'Remove-FlaskApp''s plan finds the service whose directory= is the app, however it is spelled' {
        $f = (Get-CoreType AppRemovalFacts)::new(); $f.Home = '/home/isabell/'; $f.AppPath = '/home/isabell/app'; $f.IsDirectory = $true; $f.MadeByModule = $true
        $f.Services.Add((Get-CoreType ServiceIni)::Read('/home/isabell/', 'web', "[program:web]`ndirectory=%(ENV_HOME)s/app/`n"))
        Get-ErrorId { (Get-CoreType FlaskAppRemover)::Plan($f, $false) } | Should -Be 'AppInUse'
        (Get-CoreType FlaskAppRemover)::Plan($f, $true) | Should -Be '/home/isabell/app'
    }
}

Describe 'The readers of host files' {
    It 'UwsgiIni reads port, address, mount and pidfile: <Socket>' -ForEach @(
        @{ Socket = ':1024'; Port = 1024; All = $true }, @{ Socket = '0.0.0.0:1025'; Port = 1025; All = $true }
        @{ Socket = '[::]:1026'; Port = 1026; All = $true }, @{ Socket = '127.0.0.1:1027'; Port = 1027; All = $false }
    ) {
        $s = (Get-CoreType UwsgiIni)::Read("[uwsgi]`n# comment`nmount = /shop/=app:app`nhttp-socket = $Socket`npidfile = /x/a.pid`n")
        $s.Port | Should -Be $Port
        $s.AllInterfaces | Should -Be $All
        $s.MountPath | Should -Be '/shop'
        $s.PidFile | Should -Be '/x/a.pid'
    }
    It 'UwsgiIni reads back what it renders' {
        $s = (Get-CoreType UwsgiIni)::Read($uwsgiIni)
        $s.Port | Should -Be 10241
        $s.MountPath | Should -Be '/'
        $s.AllInterfaces | Should -BeTrue
    }
    It 'ServiceIni expands %(ENV_HOME)s and reads back what it renders' {
        $d = (Get-CoreType ServiceIni)::Read($accountHome, 'flask', $serviceIni)
        $d.Directory | Should -Be '/home/isabell/basic_flask'
        $d.Command | Should -Be '/usr/bin/uwsgi uwsgi.ini'
        $d.ConfigPath | Should -Be '/home/isabell/etc/services.d/flask.ini'
    }
    It 'Listeners reads ss lines with addresses, ports and pids' {
        $l = (Get-CoreType Listeners)::Parse(@'
LISTEN 0      100          0.0.0.0:10241      0.0.0.0:*    users:(("uwsgi",pid=4242,fd=3),("uwsgi",pid=4243,fd=3))
LISTEN 0      128        127.0.0.1:10242      0.0.0.0:*
LISTEN 0      4096            [::]:10243         [::]:*
LISTEN 0      4096   127.0.0.53%lo:53         0.0.0.0:*
'@)
        $l.Count | Should -Be 4
        $l[0].Port | Should -Be 10241; $l[0].AllInterfaces | Should -BeTrue; $l[0].Pids | Should -Be @(4242, 4243)
        $l[1].Address | Should -Be '127.0.0.1'; $l[1].AllInterfaces | Should -BeFalse
        $l[2].Address | Should -Be '::'; $l[2].AllInterfaces | Should -BeTrue
        $l[3].Address | Should -Be '127.0.0.53'
    }
}

Describe 'Script output framing cannot be forged' {
    It 'lines that only look like section markers stay text of their section' {
        $out = "`n@@ufREAL host`nhome=/home/isabell`n`n@@ufFAKE status`nflask RUNNING`n@@ufREAL`n`n@@ufREAL file:x`nmissing`n"
        $o = (Get-CoreType ScriptOutput)::new($out, 'ufREAL')
        $o.Facts('host')['home'] | Should -Be '/home/isabell'
        $o.Has('status') | Should -BeFalse
        $o.Text('host') | Should -Match '@@ufFAKE status'
        $o.File('x').Exists | Should -BeFalse
    }
    It 'each call draws a new marker' {
        (Get-CoreType HostScript)::NewMarker() | Should -Not -Be ((Get-CoreType HostScript)::NewMarker())
    }
}

Describe 'Secrets in pip arguments are masked wherever they are shown' {
    It 'masks <In>' -ForEach @(
        @{ In = 'https://user:s3cr3t@pypi.example.org/simple'; Out = 'https://***@pypi.example.org/simple' }
        @{ In = '--index-url=https://__token__:pypi-AgEIcHlwaS5vcmc@host/simple'; Out = '--index-url=https://***@host/simple' }
        @{ In = 'https://host/simple?token=abc123&x=1'; Out = 'https://host/simple?token=***&x=1' }
        @{ In = '--no-index'; Out = '--no-index' }
    ) {
        (Get-CoreType Redaction)::PipArgument($In) | Should -Be $Out
    }
    It 'the -WhatIf line of New-FlaskApp''s plan shows the masked URL only' {
        $spec = (Get-CoreType FlaskAppSpec)::Create('x', $N, $N, 'app', $N, [string[]]@('flask'), [string[]]@('--index-url', 'https://u:TOPSECRET@h/simple'), $false, $N, $false)
        $f = (Get-CoreType FlaskAppFacts)::new(); $f.Home = $accountHome; $f.AppPath = '/home/isabell/x'; $f.Python = '/usr/bin/python3'
        $plan = (Get-CoreType FlaskAppScaffolder)::Plan($spec, $f)
        ($plan.Changes | ForEach-Object { "$($_.Action) $($_.Target)" }) -join "`n" | Should -Not -Match 'TOPSECRET'
        ($plan.Changes | ForEach-Object Target) -join "`n" | Should -Match ([regex]::Escape('https://***@h/simple'))
    }
    It 'the -Verbose line of a script call shows the masked URL only' {
        $arg = (Get-CoreType ScriptArgument)::Pip('https://u:TOPSECRET@h/simple')
        $arg.Display | Should -Not -Match 'TOPSECRET'
        $arg.Value | Should -Be 'https://u:TOPSECRET@h/simple'
    }
}

Describe 'New-FlaskApp''s plan' {
    BeforeAll {
        $script:spec = (Get-CoreType FlaskAppSpec)::Create('basic_flask', $N, 'Hi', 'app', $N, [string[]]@(), [string[]]@(), $true, $N, $false)
        function New-AppFacts([switch] $Venv) {
            $f = (Get-CoreType FlaskAppFacts)::new(); $f.Home = $accountHome; $f.AppPath = '/home/isabell/basic_flask'; $f.Python = '/usr/bin/python3.11'; $f.VenvExists = [bool]$Venv
            $f
        }
    }
    It 'a new app: three files and a venv' {
        $plan = (Get-CoreType FlaskAppScaffolder)::Plan($spec, (New-AppFacts))
        $plan.Changes.Action | Should -Be @('Create file', 'Create file', 'Create file', 'Create venv')
        $plan.InstallPackages | Should -BeFalse
    }
    It 'the same files and a venv: no change at all' {
        $first = (Get-CoreType FlaskAppScaffolder)::Plan($spec, (New-AppFacts))
        $f = New-AppFacts -Venv
        foreach ($c in $first.Files) { $f.Files[$c.Path.Substring('/home/isabell/basic_flask/'.Length)] = New-HostFile $c.Content }
        (Get-CoreType FlaskAppScaffolder)::Plan($spec, $f).Changes.Count | Should -Be 0
    }
    It 'a file that differs, without -Force: AppFileExists' {
        $f = New-AppFacts -Venv
        $f.Files['app.py'] = New-HostFile 'edited by hand'
        Get-ErrorId { (Get-CoreType FlaskAppScaffolder)::Plan($spec, $f) } | Should -Be 'AppFileExists'
    }
    It 'a venv cut off while it was made: made again' {
        $f = New-AppFacts -Venv; $f.VenvIncomplete = $true
        ((Get-CoreType FlaskAppScaffolder)::Plan($spec, $f).Changes | Where-Object Action -eq 'Recreate the incomplete venv') | Should -Not -BeNullOrEmpty
    }
    It 'no python found: PythonNotFound' {
        $f = New-AppFacts; $f.Python = $N
        Get-ErrorId { (Get-CoreType FlaskAppScaffolder)::Plan($spec, $f) } | Should -Be 'PythonNotFound'
    }
    It 'text beyond the BMP reaches app.py as one escape, not two lone surrogates' {
        $s = (Get-CoreType FlaskAppSpec)::Create('x', $N, "Hi 😀", 'app', $N, [string[]]@(), [string[]]@(), $true, $N, $false)
        $f = New-AppFacts
        $plan = (Get-CoreType FlaskAppScaffolder)::Plan($s, $f)
        $plan.Files[0].Content | Should -Match ([regex]::Escape('"Hi \U0001f600"'))
    }
}

Describe 'Register-SupervisorService''s plan' {
    It 'an up-to-date running service: nothing to do, and the backend list handed on' {
        $plan = (Get-CoreType SupervisorServiceRegistrar)::Plan((New-SupervisorSpec), (New-SupervisorFacts))
        $plan.Action.ToString() | Should -Be 'None'
        $plan.Changes.Count | Should -Be 0
        $plan.Port | Should -Be 10241
        $plan.BackendList | Should -Match 'http:10241'
    }
    It 'a new service: write the ini, then update (which rereads the configuration itself)' {
        $f = New-SupervisorFacts -Status 'flask: ERROR (no such process)' -Listeners ''
        $f.ServiceIni = $Missing
        $plan = (Get-CoreType SupervisorServiceRegistrar)::Plan((New-SupervisorSpec), $f)
        $plan.Action.ToString() | Should -Be 'Write'
        $plan.Changes.Action | Should -Be @('Create file', 'Run')
        $plan.Changes[1].Target | Should -Be 'supervisorctl update flask'
    }
    It 'a changed startsecs: overwrite and update, the reason says why' {
        $plan = (Get-CoreType SupervisorServiceRegistrar)::Plan((New-SupervisorSpec -StartSeconds 7), (New-SupervisorFacts))
        $plan.Action.ToString() | Should -Be 'Write'
        $plan.Reason | Should -Be 'service config changed'
        $plan.Changes[0].Target | Should -Match 'flask\.ini \(\+1 -1 lines\)$'
    }
    It 'a STOPPED service: start it' {
        $plan = (Get-CoreType SupervisorServiceRegistrar)::Plan((New-SupervisorSpec), (New-SupervisorFacts -Status 'flask STOPPED Nov 25 12:00 PM' -Listeners ''))
        $plan.Action.ToString() | Should -Be 'Start'
        $plan.Reason | Should -Be 'service was STOPPED'
    }
    It 'code newer than uWSGI''s pidfile: restart, naming the files' {
        $f = New-SupervisorFacts
        Add-PidFile $f 4242 '/home/isabell/basic_flask/app.py'
        $plan = (Get-CoreType SupervisorServiceRegistrar)::Plan((New-SupervisorSpec), $f)
        $plan.Action.ToString() | Should -Be 'Restart'
        $plan.Reason | Should -Be 'changed since it started: app.py'
    }
    It 'the probe''s output read by its one reader: each pidfile with its own newer files, keyed by path, not by order' {
        $m = 'ufm'
        $text = "@@$m host`nhome=/home/isabell`napp=/home/isabell/basic_flask`nsystem=/usr/bin/uwsgi`n"
        $text += "@@$m pidfile:/home/isabell/basic_flask/a.pid`npid=4242`n@@$m pidfile:/home/isabell/basic_flask/b.pid`npid=77`n"
        $text += "@@$m newer:/home/isabell/basic_flask/b.pid`n/home/isabell/basic_flask/app.py`n@@$m newer:/home/isabell/basic_flask/a.pid`n`n"
        $text += "@@$m status`nflask RUNNING pid 4242, uptime 0:01:00`n@@$m status-exit`nexit=0`n@@$m listeners`n`n"
        $f = (Get-CoreType SupervisorServiceRegistrar)::Read((Get-CoreType ScriptOutput)::new($text, $m), 'here')
        $f.AppPath | Should -Be '/home/isabell/basic_flask'
        $a = $f.PidFiles | Where-Object Path -eq '/home/isabell/basic_flask/a.pid'
        $b = $f.PidFiles | Where-Object Path -eq '/home/isabell/basic_flask/b.pid'
        $a.Pid | Should -Be 4242
        @($a.NewerFiles).Count | Should -Be 0
        $b.Pid | Should -Be 77
        @($b.NewerFiles) | Should -Be @('/home/isabell/basic_flask/app.py')
    }
    It 'a pidfile of another process does not count' {
        $f = New-SupervisorFacts
        Add-PidFile $f 9999 '/home/isabell/basic_flask/app.py'
        (Get-CoreType SupervisorServiceRegistrar)::Plan((New-SupervisorSpec), $f).Action.ToString() | Should -Be 'None'
    }
    It 'STARTING shows no pid: uWSGI''s pidfile tells that the port is the service''s own' {
        $f = New-SupervisorFacts -Status 'flask STARTING'
        Add-PidFile $f 4242
        $plan = (Get-CoreType SupervisorServiceRegistrar)::Plan((New-SupervisorSpec), $f)
        $plan.Action.ToString() | Should -Be 'None'
        $plan.ServicePid | Should -Be 4242
    }
    It 'uWSGI''s master reporting for itself (no supervisorctl call): <Uptime> s up with startsecs 15 is <State>' -ForEach @(
        @{ Uptime = '00:20'; State = 'RUNNING' }, @{ Uptime = '00:03'; State = 'STARTING' }, @{ Uptime = '1-02:03:04'; State = 'RUNNING' }
    ) {
        $f = New-SupervisorFacts -Status ''
        $f.StatusAsked = $false; $f.Master = New-Master 4242 $Uptime
        (Get-CoreType SupervisorServiceRegistrar)::MasterSuffices($f) | Should -BeTrue
        $plan = (Get-CoreType SupervisorServiceRegistrar)::Plan((New-SupervisorSpec), $f)
        $plan.Action.ToString() | Should -Be 'None'
        $plan.Before.State | Should -Be $State
        $plan.ServicePid | Should -Be 4242
    }
    It 'a master that does not hold the port, or no service ini for this app: supervisorctl must be asked' {
        $f = New-SupervisorFacts -Status '' -Listeners 'LISTEN 0 5 0.0.0.0:10241 0.0.0.0:* users:(("python3",pid=777,fd=3))'
        $f.StatusAsked = $false; $f.Master = New-Master 4242
        (Get-CoreType SupervisorServiceRegistrar)::MasterSuffices($f) | Should -BeFalse
        $f = New-SupervisorFacts -Status ''
        $f.StatusAsked = $false; $f.Master = New-Master 4242; $f.ServiceIni = $Missing
        (Get-CoreType SupervisorServiceRegistrar)::MasterSuffices($f) | Should -BeFalse
        $f = New-SupervisorFacts -Status ''
        $f.StatusAsked = $false
        (Get-CoreType SupervisorServiceRegistrar)::MasterSuffices($f) | Should -BeFalse
    }
    It 'the port held by another process: PortInUse' {
        Get-ErrorId { (Get-CoreType SupervisorServiceRegistrar)::Plan((New-SupervisorSpec), (New-SupervisorFacts -Listeners 'LISTEN 0 5 0.0.0.0:10241 0.0.0.0:* users:(("python3",pid=777,fd=3))')) } | Should -Be 'PortInUse'
    }
    It 'supervisord not running: SupervisorNotRunning' {
        Get-ErrorId { (Get-CoreType SupervisorServiceRegistrar)::Plan((New-SupervisorSpec), (New-SupervisorFacts -Status 'unix:///home/isabell/tmp/supervisor.sock no such file')) } | Should -Be 'SupervisorNotRunning'
    }
    It 'no supervisorctl: SupervisorNotInstalled' {
        $f = New-SupervisorFacts -Status 'sh: 1: supervisorctl: not found'; $f.StatusExit = 127
        Get-ErrorId { (Get-CoreType SupervisorServiceRegistrar)::Plan((New-SupervisorSpec), $f) } | Should -Be 'SupervisorNotInstalled'
    }
    It 'no uwsgi.ini: UwsgiConfigNotFound' {
        $f = New-SupervisorFacts; $f.UwsgiIni = $Missing
        Get-ErrorId { (Get-CoreType SupervisorServiceRegistrar)::Plan((New-SupervisorSpec), $f) } | Should -Be 'UwsgiConfigNotFound'
    }
    It 'the name taken by another app: ServiceNameInUse' {
        $f = New-SupervisorFacts
        $f.ServiceIni = New-HostFile (Seal ((Get-CoreType ServiceIni)::Render($accountHome, 'flask', '/home/isabell/other', '/usr/bin/uwsgi', 15, $N)) 'x.ini')
        Get-ErrorId { (Get-CoreType SupervisorServiceRegistrar)::Plan((New-SupervisorSpec), $f) } | Should -Be 'ServiceNameInUse'
    }
    It 'the service ini edited by hand: ConfigEditedByHand, and with -Force the edit is kept aside' {
        $f = New-SupervisorFacts
        $f.ServiceIni = New-HostFile ($serviceIni + "environment=API_KEY=x`n")
        Get-ErrorId { (Get-CoreType SupervisorServiceRegistrar)::Plan((New-SupervisorSpec), $f) } | Should -Be 'ConfigEditedByHand'
        (Get-CoreType SupervisorServiceRegistrar)::Plan((New-SupervisorSpec -Force), $f).Ini.BackupPath | Should -Be '/home/isabell/etc/services.d/flask.ini.uf-backup'
    }
}

Describe 'Set-WebBackend''s and Remove-WebBackend''s plans' {
    BeforeAll {
        $script:listed = (Get-CoreType WebBackendList)::Parse("/app http:10241 => OK, listening: PID 1, uwsgi`n/ apache (default)`n")
    }
    It 'the backend as asked already: no change' {
        (Get-CoreType WebBackends)::PlanSet((Get-CoreType WebBackendSpec)::Create('/app', $N, 10241, $false, $false), $listed).Changes.Count | Should -Be 0
    }
    It 'another port: one set command with the arguments in order' {
        $plan = (Get-CoreType WebBackends)::PlanSet((Get-CoreType WebBackendSpec)::Create('/app', $N, 10242, $false, $true), $listed)
        $plan.Changes[0].Target | Should -Be 'uberspace web backend set /app --http --port 10242 --remove-prefix'
    }
    It 'a domain root is set as the bare domain' {
        $plan = (Get-CoreType WebBackends)::PlanSet((Get-CoreType WebBackendSpec)::Create('/', 'Example.ORG', 10242, $false, $false), $listed)
        $plan.Arguments[0] | Should -Be 'example.org'
    }
    It 'removing the default or an unlisted backend: WebBackendNotFound' {
        Get-ErrorId { (Get-CoreType WebBackends)::PlanRemove((Get-CoreType WebBackendSpec)::ForTarget('/', $null), $listed, 'here') } | Should -Be 'WebBackendNotFound'
        Get-ErrorId { (Get-CoreType WebBackends)::PlanRemove((Get-CoreType WebBackendSpec)::ForTarget('/nope', $null), $listed, 'here') } | Should -Be 'WebBackendNotFound'
    }
    It 'a stale hand-over is not used' {
        $snap = (Get-CoreType WebBackendListSnapshot)::new('x', [datetime]::UtcNow.AddSeconds(-31))
        $snap.IsFresh([datetime]::UtcNow) | Should -BeFalse
        (Get-CoreType WebBackendListSnapshot)::new('x', [datetime]::UtcNow).IsFresh([datetime]::UtcNow) | Should -BeTrue
    }
}

Describe 'The lifecycle plans' {
    BeforeAll {
        # The probe's output as services/probe.sh prints it; the facts come from the one reader.
        function New-ServiceFacts([string] $Status, [string] $UwsgiIni = "[uwsgi]`nhttp-socket = :1024`n") {
            $m = 'ufm'
            $b64 = { param($t) [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($t)) }
            $text = "@@$m host`nhome=$accountHome`n@@$m status`n$Status`n@@$m status-exit`nexit=0`n@@$m file:service`nfile`n$(& $b64 $serviceIni)`n"
            if ($UwsgiIni) { $text += "@@$m file:uwsgi`nfile`n$(& $b64 $UwsgiIni)`n" } else { $text += "@@$m file:uwsgi`nmissing`n" }
            (Get-CoreType SupervisorServices)::Read((Get-CoreType ScriptOutput)::new($text, $m), 'flask', 'here')
        }
    }
    It '<Action> of a <State> service: <Count> change(s)' -ForEach @(
        @{ Action = 'Start'; State = 'RUNNING'; Count = 0 }, @{ Action = 'Start'; State = 'STOPPED'; Count = 1 }
        @{ Action = 'Stop'; State = 'STOPPED'; Count = 0 }, @{ Action = 'Stop'; State = 'RUNNING'; Count = 1 }
        @{ Action = 'Restart'; State = 'RUNNING'; Count = 1 }, @{ Action = 'Remove'; State = 'RUNNING'; Count = 3 }
    ) {
        $line = if ($State -eq 'RUNNING') { 'flask RUNNING pid 5, uptime 0:00:09' } else { 'flask STOPPED Nov 25 12:00 PM' }
        $plan = (Get-CoreType SupervisorServices)::Plan('flask', $Action, (New-ServiceFacts $line), 'here')
        $plan.Changes.Count | Should -Be $Count
        $plan.AppPath | Should -Be '/home/isabell/basic_flask'
    }
    It 'the port to wait on comes with the one probe (uwsgi.ini''s), or none when there is no uwsgi.ini' {
        (Get-CoreType SupervisorServices)::Plan('flask', 'Restart', (New-ServiceFacts 'flask RUNNING pid 5, uptime 0:00:09'), 'here').Port | Should -Be 1024
        (Get-CoreType SupervisorServices)::Plan('flask', 'Restart', (New-ServiceFacts 'flask RUNNING pid 5, uptime 0:00:09' -UwsgiIni ''), 'here').Port | Should -BeNullOrEmpty
    }
    It 'an unknown service: ServiceNotFound; supervisord down: SupervisorNotRunning' {
        Get-ErrorId { (Get-CoreType SupervisorServices)::Plan('flask', 'Start', (New-ServiceFacts 'flask: ERROR (no such process)'), 'here') } | Should -Be 'ServiceNotFound'
        Get-ErrorId { New-ServiceFacts 'unix:///home/isabell/run/supervisord.sock no such file' } | Should -Be 'SupervisorNotRunning'
    }
    It 'an error met by several steps is worded once: ServiceNotFound the same from the plan and from the log reader' {
        $e = Get-CoreError { (Get-CoreType SupervisorServices)::Plan('flask', 'Start', (New-ServiceFacts 'flask: ERROR (no such process)'), 'here') }
        $e.Message | Should -Be (Get-CoreType HostErrors)::ServiceNotFound('flask', 'here').Message
        $e.Message | Should -Match 'Get-SupervisorService lists them'
    }
}

Describe 'Remove-FlaskApp''s probe, read by its one reader' {
    It 'an app a service still runs is AppInUse; without the service it is the directory to delete' {
        $m = 'ufm'
        $ini = [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($serviceIni))
        $text = "@@$m host`nhome=/home/isabell`napp=/home/isabell/basic_flask`ndir=yes`nmade=yes`n"
        $used = (Get-CoreType FlaskAppRemover)::Read((Get-CoreType ScriptOutput)::new($text + "@@$m file:service:flask`nfile`n$ini`n", $m), 'here')
        $used.IsDirectory | Should -BeTrue
        $used.MadeByModule | Should -BeTrue
        Get-ErrorId { (Get-CoreType FlaskAppRemover)::Plan($used, $false) } | Should -Be 'AppInUse'
        $free = (Get-CoreType FlaskAppRemover)::Read((Get-CoreType ScriptOutput)::new($text, $m), 'here')
        (Get-CoreType FlaskAppRemover)::Plan($free, $false) | Should -Be '/home/isabell/basic_flask'
    }
}

Describe 'Every diagnosis check fails when its link is broken' {
    BeforeAll {
        function New-DiagnosisFacts {
            $f = (Get-CoreType DiagnosisFacts)::new()
            $f.Home = $accountHome; $f.User = 'isabell'; $f.AppPath = '/home/isabell/basic_flask'; $f.AppDirectoryExists = $true
            $f.UwsgiIni = New-HostFile $uwsgiIni; $f.VenvHasPython = $true; $f.ImportExit = 0
            $f.Services.Add((Get-CoreType ServiceIni)::Read($accountHome, 'flask', $serviceIni))
            $f.StatusText = 'flask RUNNING pid 4242, uptime 0:01:00'
            $f.Listeners = (Get-CoreType Listeners)::Parse('LISTEN 0 100 0.0.0.0:10241 0.0.0.0:* users:(("uwsgi",pid=4242,fd=3))')
            $f.BackendsText = "/ http:10241 => OK, listening: PID 4242, uwsgi`n"; $f.BackendsExit = 0
            $f.Http.Add([System.ValueTuple[string, string]]::new('200', 'http://x/')); $f.Http.Add([System.ValueTuple[string, string]]::new('200', 'http://x/static/style.css'))
            $f
        }
        function Get-Check($Facts, [string] $Name) {
            $spec = (Get-CoreType DiagnosisSpec)::Create('~/basic_flask', $N, $N)
            (Get-CoreType DeploymentChecks)::new($Facts, $spec).All() | Where-Object Check -eq $Name
        }
    }
    It 'the probe''s output read by its one reader: a healthy app passes every check' {
        $m = 'ufm'
        $b64 = { param($t) [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($t)) }
        $text = "@@$m host`nhome=/home/isabell`nuser=isabell`napp=/home/isabell/basic_flask`nappdir=yes`n"
        $text += "@@$m file:uwsgi`nfile`n$(& $b64 $uwsgiIni)`n@@$m venv-import`n`n@@$m venv-import-exit`nexit=0`n"
        $text += "@@$m file:service:flask`nfile`n$(& $b64 $serviceIni)`n"
        $text += "@@$m status`nflask                            RUNNING   pid 4242, uptime 0:01:00`n@@$m status-exit`nexit=0`n"
        $text += "@@$m listeners`nLISTEN 0 100 0.0.0.0:10241 0.0.0.0:* users:((`"uwsgi`",pid=4242,fd=3))`n"
        $text += "@@$m backends`n/ http:10241 => OK, listening: PID 4242, uwsgi`n@@$m backends-exit`nexit=0`n"
        $text += "@@$m http`n200 https://isabell.uber.space/`n200 https://isabell.uber.space/static/style.css`n"
        $f = (Get-CoreType DeploymentDiagnosis)::Read((Get-CoreType ScriptOutput)::new($text, $m), $N)
        $f.AppDirectoryExists | Should -BeTrue
        $f.ImportExit | Should -Be 0
        $spec = (Get-CoreType DiagnosisSpec)::Create('~/basic_flask', $N, $N)
        @((Get-CoreType DeploymentChecks)::new($f, $spec).All() | Where-Object { "$($_.Status)" -ne 'Passed' }).Check | Should -BeNullOrEmpty
    }
    It 'no supervisorctl on the host is told apart by the one reader: supervisord fails naming supervisorctl, the service check is skipped' {
        $m = 'ufm'
        $b64 = { param($t) [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($t)) }
        $text = "@@$m host`nhome=/home/isabell`nuser=isabell`napp=/home/isabell/basic_flask`nappdir=yes`n"
        $text += "@@$m file:uwsgi`nfile`n$(& $b64 $uwsgiIni)`n@@$m file:service:flask`nfile`n$(& $b64 $serviceIni)`n"
        $text += "@@$m status`n@@$m status-exit`nexit=127`n"
        $f = (Get-CoreType DeploymentDiagnosis)::Read((Get-CoreType ScriptOutput)::new($text, $m), $N)
        $checks = (Get-CoreType DeploymentChecks)::new($f, (Get-CoreType DiagnosisSpec)::Create('~/basic_flask', $N, $N))
        "$($checks.Supervisor)" | Should -Be 'Missing'
        $all = $checks.All()
        $sup = $all | Where-Object Check -eq 'supervisord'
        "$($sup.Status)" | Should -Be 'Failed'
        $sup.Message | Should -Match 'no supervisorctl'
        "$(($all | Where-Object Check -eq 'Service').Status)" | Should -Be 'Skipped'
    }
    It 'uWSGI''s master reporting for itself stands in for supervisorctl when it holds the port' {
        $f = New-DiagnosisFacts
        $f.StatusText = ''; $f.StatusAsked = $false; $f.Master = New-Master 4242 '00:03'
        $spec = (Get-CoreType DiagnosisSpec)::Create('~/basic_flask', $N, $N)
        $checks = (Get-CoreType DeploymentChecks)::new($f, $spec)
        $checks.MasterSuffices | Should -BeTrue
        $checks.Service.State | Should -Be 'STARTING'
        (Get-Check $f 'supervisord').Status.ToString() | Should -Be 'Passed'
        (Get-Check $f 'Service').Status.ToString() | Should -Be 'Passed'
        $f.Listeners = (Get-CoreType Listeners)::Parse('LISTEN 0 100 0.0.0.0:10241 0.0.0.0:* users:(("python3",pid=777,fd=3))')
        (Get-CoreType DeploymentChecks)::new($f, $spec).MasterSuffices | Should -BeFalse
    }
    It 'all nine pass on a healthy deploy' {
        $spec = (Get-CoreType DiagnosisSpec)::Create('~/basic_flask', $N, $N)
        $all = (Get-CoreType DeploymentChecks)::new((New-DiagnosisFacts), $spec).All()
        $all.Count | Should -Be 9
        @($all | Where-Object { $_.Status.ToString() -ne 'Passed' }).Count | Should -Be 0
    }
    It 'a STARTING service whose app already listens passes (Register returns before startsecs are over)' {
        $f = New-DiagnosisFacts
        $f.StatusText = 'flask STARTING'
        (Get-Check $f 'Service').Status.ToString() | Should -Be 'Passed'
        $f.Listeners.Clear()
        (Get-Check $f 'Service').Status.ToString() | Should -Be 'Warning'
    }
    It '<Check> fails when <Case>' -ForEach @(
        @{ Check = 'App directory'; Case = 'the directory is missing'; Break = { param($f) $f.AppDirectoryExists = $false } }
        @{ Check = 'Virtual environment'; Case = 'the venv has no python'; Break = { param($f) $f.VenvHasPython = $false } }
        @{ Check = 'Virtual environment'; Case = 'python starts but cannot import flask (exit 1)'; Break = { param($f) $f.ImportExit = 1; $f.ImportOutput = "ModuleNotFoundError: No module named 'flask'" } }
        @{ Check = 'Virtual environment'; Case = 'python cannot start at all (exit 126)'; Break = { param($f) $f.ImportExit = 126 } }
        @{ Check = 'uwsgi.ini'; Case = 'it is missing'; Break = { param($f) $f.UwsgiIni = $Missing } }
        @{ Check = 'uwsgi.ini'; Case = 'it binds 127.0.0.1 only'; Break = { param($f) $f.UwsgiIni = New-HostFile "[uwsgi]`nhttp-socket = 127.0.0.1:10241`n" } }
        @{ Check = 'uwsgi.ini'; Case = 'it has no port'; Break = { param($f) $f.UwsgiIni = New-HostFile "[uwsgi]`nmodule = app:app`n" } }
        @{ Check = 'supervisord'; Case = 'supervisord does not answer'; Break = { param($f) $f.StatusText = 'unix:///home/isabell/tmp/supervisor.sock no such file' } }
        @{ Check = 'supervisord'; Case = 'there is no supervisorctl (the shell''s exit 127)'; Break = { param($f) $f.StatusText = ''; $f.StatusExit = 127 } }
        @{ Check = 'Service'; Case = 'the service is FATAL'; Break = { param($f) $f.StatusText = 'flask FATAL Exited too quickly'; $f.LogTail = 'ImportError: x' } }
        @{ Check = 'Service'; Case = 'no service runs the app'; Break = { param($f) $f.Services.Clear() } }
        @{ Check = 'Listening socket'; Case = 'nothing listens'; Break = { param($f) $f.Listeners.Clear() } }
        @{ Check = 'Listening socket'; Case = 'another process holds the port'; Break = { param($f) $f.Listeners = (Get-CoreType Listeners)::Parse('LISTEN 0 100 0.0.0.0:10241 0.0.0.0:* users:(("python3",pid=777,fd=3))') } }
        @{ Check = 'Listening socket'; Case = 'the socket is bound to 127.0.0.1'; Break = { param($f) $f.Listeners = (Get-CoreType Listeners)::Parse('LISTEN 0 100 127.0.0.1:10241 0.0.0.0:* users:(("uwsgi",pid=4242,fd=3))') } }
        @{ Check = 'Web backend'; Case = 'the default Apache backend serves /'; Break = { param($f) $f.BackendsText = "/ apache (default)`n" } }
        @{ Check = 'Web backend'; Case = 'the backend points at another port'; Break = { param($f) $f.BackendsText = "/ http:9999 => NOT OK, no service`n" } }
        @{ Check = 'Web backend'; Case = 'there is no uberspace command'; Break = { param($f) $f.BackendsExit = 127 } }
        @{ Check = 'HTTP page'; Case = 'the page answers 502'; Break = { param($f) $f.Http[0] = [System.ValueTuple[string, string]]::new('502', 'http://x/') } }
        @{ Check = 'HTTP static file'; Case = 'the stylesheet answers 404'; Break = { param($f) $f.Http[1] = [System.ValueTuple[string, string]]::new('404', 'http://x/static/style.css') } }
    ) {
        $f = New-DiagnosisFacts
        & $Break $f
        $r = Get-Check $f $Check
        $r.Status.ToString() | Should -Be 'Failed'
        $r.Fix | Should -Not -BeNullOrEmpty
    }
}
