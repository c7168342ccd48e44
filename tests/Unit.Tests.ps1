# Fast tests: no sandbox, no network. The parsers and renderers are the core's plain C# classes.
BeforeDiscovery {
    $script:listCases = @(
        @{ Line = '/doesnotwork http:8000 => NOT OK, wrong interface (::1): PID 17767, nc -l localhost 8000'
           Domain = $null; Path = '/doesnotwork'; Kind = 'http'; Port = 8000; RemovePrefix = $false; IsDefault = $false
           StatusKind = 'WrongInterface'; ProcessId = 17767; Cmd = 'nc -l localhost 8000'; Addr = '::1' }
        @{ Line = '/worksforme http:9000 => OK, listening: PID 12295, nc -l 0.0.0.0 9000'
           Domain = $null; Path = '/worksforme'; Kind = 'http'; Port = 9000; RemovePrefix = $false; IsDefault = $false
           StatusKind = 'Ok'; ProcessId = 12295; Cmd = 'nc -l 0.0.0.0 9000'; Addr = $null }
        @{ Line = '/notrunning http:1024 => NOT OK, no service'
           Domain = $null; Path = '/notrunning'; Kind = 'http'; Port = 1024; RemovePrefix = $false; IsDefault = $false
           StatusKind = 'NoService'; ProcessId = $null; Cmd = $null; Addr = $null }
        @{ Line = 'example.org/ep http:9000, --remove-prefix => OK, listening: PID 23, node-red'
           Domain = 'example.org'; Path = '/ep'; Kind = 'http'; Port = 9000; RemovePrefix = $true; IsDefault = $false
           StatusKind = 'Ok'; ProcessId = 23; Cmd = 'node-red'; Addr = $null }
        @{ Line = '/assets apache'
           Domain = $null; Path = '/assets'; Kind = 'apache'; Port = $null; RemovePrefix = $false; IsDefault = $false
           StatusKind = 'None'; ProcessId = $null; Cmd = $null; Addr = $null }
        @{ Line = '/ apache (default)'
           Domain = $null; Path = '/'; Kind = 'apache'; Port = $null; RemovePrefix = $false; IsDefault = $true
           StatusKind = 'None'; ProcessId = $null; Cmd = $null; Addr = $null }
        @{ Line = '/odd http:8080 => NOT OK, something the manual does not document'
           Domain = $null; Path = '/odd'; Kind = 'http'; Port = 8080; RemovePrefix = $false; IsDefault = $false
           StatusKind = 'Unknown'; ProcessId = $null; Cmd = $null; Addr = $null }
        @{ Line = 'example.org/ http:8001 => NOT OK, wrong interface (127.0.0.1): PID 5, /usr/bin/uwsgi uwsgi.ini'
           Domain = 'example.org'; Path = '/'; Kind = 'http'; Port = 8001; RemovePrefix = $false; IsDefault = $false
           StatusKind = 'WrongInterface'; ProcessId = 5; Cmd = '/usr/bin/uwsgi uwsgi.ini'; Addr = '127.0.0.1' }
    )
    $script:hostile = @(
        "plain", "it's", 'say "hi"', "emoji 😀 beyond the BMP", 'back\slash', '$(touch /tmp/uf-pwned)', '`touch /tmp/uf-pwned`', 'a;b|c&d', "tab`there",
        '{{ 7*7 }}', '{% raw %}', "ünïcödé ✓", "'''", '"""', "--", "-rf", "*", "~", ""
    )
}

BeforeAll {
    Import-Module $env:UF_MODULE_PATH -Force
    Import-Module (Join-Path $PSScriptRoot 'CoreTypes.psm1') -Force
    function New-Model([hashtable] $Values) {
        $d = [System.Collections.Generic.Dictionary[string, object]]::new()
        foreach ($k in $Values.Keys) { $d[$k] = $Values[$k] }
        , $d
    }
}

Describe 'Parsing `uberspace web backend list`' {
    It 'parses <Line>' -ForEach $listCases {
        $e = (Get-CoreType WebBackendList)::ParseLine($Line)
        $e | Should -Not -BeNullOrEmpty
        $e.Domain | Should -Be $Domain
        $e.Path | Should -Be $Path
        $e.Kind | Should -Be $Kind
        $e.Port | Should -Be $Port
        $e.RemovePrefix | Should -Be $RemovePrefix
        $e.IsDefault | Should -Be $IsDefault
        $e.StatusKind.ToString() | Should -Be $StatusKind
        $e.Pid | Should -Be $ProcessId
        $e.ProcessCommand | Should -Be $Cmd
        $e.ListenAddress | Should -Be $Addr
    }

    It 'parses the manual''s whole listing, in order, and skips noise without throwing' {
        $text = (($listCases | Select-Object -First 6).Line -join "`n") + "`n`nsome banner line`r`n"
        $all = (Get-CoreType WebBackendList)::Parse($text)
        $all.Count | Should -Be 6
        $all[5].IsDefault | Should -BeTrue
    }

    It 'keeps an unknown status verbatim' {
        $e = (Get-CoreType WebBackendList)::ParseLine('/x http:1025 => MAYBE, who knows')
        $e.Status | Should -Be 'MAYBE, who knows'
        $e.StatusKind.ToString() | Should -Be 'Unknown'
    }
}

Describe 'Parsing `supervisorctl status`' {
    It 'reads state, pid and uptime' {
        $s = (Get-CoreType SupervisorStatusParser)::Parse('flask                            RUNNING   pid 26020, uptime 0:03:14')
        $s[0].Name | Should -Be 'flask'
        $s[0].State | Should -Be 'RUNNING'
        $s[0].Pid | Should -Be 26020
        $s[0].Uptime | Should -Be ([timespan]'00:03:14')
    }
    It 'reads uptimes of more than a day' {
        $s = (Get-CoreType SupervisorStatusParser)::Parse('web RUNNING   pid 7, uptime 2 days, 1:02:03')
        $s[0].Uptime | Should -Be (New-TimeSpan -Days 2 -Hours 1 -Minutes 2 -Seconds 3)
    }
    It 'reads FATAL with its description' {
        $s = (Get-CoreType SupervisorStatusParser)::Parse('broken                           FATAL     Exited too quickly (process log may have details)')
        $s[0].State | Should -Be 'FATAL'
        $s[0].Pid | Should -BeNullOrEmpty
        $s[0].Description | Should -Be 'Exited too quickly (process log may have details)'
    }
    It 'reads "no such process" as NOTFOUND' {
        $s = (Get-CoreType SupervisorStatusParser)::Parse('nosuch: ERROR (no such process)')
        $s[0].Name | Should -Be 'nosuch'
        $s[0].State | Should -Be 'NOTFOUND'
    }
}

Describe 'Rendering uwsgi.ini' {
    BeforeAll {
        function Get-Ini([string] $Mount = '/', [string[]] $Plugins = @(), [int] $Threads = 0) {
            (Get-CoreType UwsgiIni)::Render('basic_flask', '/home/isabell/basic_flask', '/home/isabell/basic_flask/ENV', 'app', $Mount, 1024,
                1, $Threads, [string[]]$Plugins, $null)
        }
    }
    It 'serves / with module = app:app and the settings the guide lacks' {
        $ini = Get-Ini
        $ini | Should -Match '(?m)^\[uwsgi\]$'
        $ini | Should -Match '(?m)^module = app:app$'
        $ini | Should -Not -Match '(?m)^mount'
        $ini | Should -Match '(?m)^http-socket = :1024$'
        foreach ($line in 'master = true', 'processes = 1', 'strict = true', 'enable-threads = true', 'vacuum = true', 'die-on-term = true', 'need-app = true') {
            $ini | Should -Match "(?m)^$([regex]::Escape($line))$"
        }
        $ini | Should -Not -Match 'chmod-socket'
        $ini | Should -Not -Match '(?m)^plugins'
        $ini | Should -Match '(?m)^virtualenv = /home/isabell/basic_flask/ENV$'
    }
    It 'mounts a sub-path with manage-script-name and a URL path, not a directory' {
        $ini = Get-Ini -Mount '/app'
        $ini | Should -Match '(?m)^mount = /app=app:app$'
        $ini | Should -Match '(?m)^manage-script-name = true$'
        $ini | Should -Not -Match '(?m)^module ='
    }
    It 'writes touch-reload unquoted (uWSGI keeps quotes, so a quoted path never fires)' {
        Get-Ini | Should -Match "(?m)^touch-reload = /home/isabell/basic_flask/app\.py$"
    }
    It 'loads plugins first, so strict mode knows their options' {
        $ini = Get-Ini -Plugins 'python3'
        ($ini -split "`n")[1] | Should -Be 'plugins = python3'
    }
    It 'adds threads only when asked' {
        Get-Ini -Threads 4 | Should -Match '(?m)^threads = 4$'
        Get-Ini | Should -Not -Match '(?m)^threads'
    }
}

Describe 'Rendering the app' {
    It 'keeps the Jinja stylesheet link of the guide literally' {
        $html = (Get-CoreType TemplateRenderer)::Render('index.html', (New-Model @{ name = 'basic_flask' }), $null)
        $html | Should -Match ([regex]::Escape("href=""{{ url_for('static', filename='style.css') }}"""))
        $html | Should -Match '<title>basic_flask</title>'
        $html | Should -Match '<h1>\{\{message\}\}</h1>'
    }
    It 'writes style.css with h1 in blue' {
        (Get-CoreType TemplateRenderer)::Render('style.css', (New-Model @{}), $null) | Should -Match 'color: blue;'
    }
    It 'renders a supervisord program with startsecs and group stop/kill' {
        $ini = (Get-CoreType TemplateRenderer)::Render('supervisor.ini', (New-Model @{ name = 'flask'; directory = '%(ENV_HOME)s/basic_flask'; command = '%(ENV_HOME)s/basic_flask/ENV/bin/uwsgi uwsgi.ini'; start_seconds = 60; autostart = 'true' }), $null)
        $ini | Should -Match '(?m)^\[program:flask\]$'
        $ini | Should -Not -Match 'autostart'
        $ini | Should -Match '(?m)^directory=%\(ENV_HOME\)s/basic_flask$'
        $ini | Should -Match '(?m)^command=%\(ENV_HOME\)s/basic_flask/ENV/bin/uwsgi uwsgi.ini$'
        $ini | Should -Match '(?m)^startsecs=60$'
        $ini | Should -Match '(?m)^stopasgroup=true$'
        $ini | Should -Match '(?m)^killasgroup=true$'
    }
    It 'renders an idle publish slot with autostart=false' {
        $ini = (Get-CoreType TemplateRenderer)::Render('supervisor.ini', (New-Model @{ name = 'shop-b'; directory = '%(ENV_HOME)s/apps/shop'; command = '/usr/bin/uwsgi slot-b.ini'; start_seconds = 5; autostart = 'false' }), $null)
        $ini | Should -Match '(?m)^autostart=false$'
    }
    It 'takes a user''s override template by file name' {
        Set-Content -Path (Join-Path $TestDrive 'style.css.liquid') -Value 'h1 { color: {{ colour }}; }'
        (Get-CoreType TemplateRenderer)::Render('style.css', (New-Model @{ colour = 'red' }), $TestDrive) | Should -Match 'color: red'
    }
    It 'rejects an override that uses an undefined variable, with an ErrorId' {
        Set-Content -Path (Join-Path $TestDrive 'app.py.liquid') -Value '{{ no_such_variable }}'
        $err = { (Get-CoreType TemplateRenderer)::Render('app.py', (New-Model @{ name = 'x' }), $TestDrive) } | Should -Throw -PassThru
        $err.Exception.InnerException.ErrorId | Should -Be 'TemplateRenderFailed'
    }
}

Describe 'Quoting for the shell and for Python' {
    It 'passes <_> through /bin/sh as one literal word' -ForEach $hostile {
        $word = (Get-CoreType ShellQuote)::Quote($_)
        $out = & /bin/sh -c "printf '%s' $word"
        ($out -join "`n") | Should -BeExactly $_
        Test-Path /tmp/uf-pwned | Should -BeFalse
    }
    It 'writes <_> as a Python string that evaluates to exactly that text' -ForEach $hostile {
        $literal = (Get-CoreType PythonLiteral)::String($_)
        $file = Join-Path $TestDrive 'lit.py'
        [System.IO.File]::WriteAllText($file, "import sys; sys.stdout.buffer.write(($literal).encode('utf-8'))")
        $bytes = & /usr/bin/python3 $file
        ($bytes -join "`n") | Should -BeExactly $_
    }
}

Describe 'Input validation, before anything is touched' {
    It 'New-FlaskApp rejects <Name> with InvalidAppName' -ForEach @(
        @{ Name = 'bad name' }, @{ Name = "it's" }, @{ Name = 'a;b' }, @{ Name = '..' }, @{ Name = '-rf' }, @{ Name = '' }, @{ Name = 'a/b' }, @{ Name = 'x$(id)' }
    ) {
        { New-FlaskApp -Name $Name -Path (Join-Path $TestDrive 'app') -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidAppName,UberspaceFlask.Commands.NewFlaskAppCommand'
        Test-Path (Join-Path $TestDrive 'app') | Should -BeFalse
    }
    It 'New-UwsgiConfig rejects port <_> with InvalidPort' -ForEach @(0, 80, 1023, 65536, 70000) {
        { New-UwsgiConfig -Path $TestDrive -Port $_ -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidPort,UberspaceFlask.Commands.NewUwsgiConfigCommand'
        Test-Path (Join-Path $TestDrive 'uwsgi.ini') | Should -BeFalse
    }
    It 'New-UwsgiConfig rejects mount path <_> with InvalidMountPath' -ForEach @('app', 'app/', '/a/../b', '/a b', '//x', '') {
        { New-UwsgiConfig -Path $TestDrive -MountPath $_ -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidMountPath,UberspaceFlask.Commands.NewUwsgiConfigCommand'
    }
    It 'Set-WebBackend rejects port <_> with InvalidPort' -ForEach @(80, 1023, 65536) {
        { Set-WebBackend -Path / -Port $_ -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidPort,UberspaceFlask.Commands.SetWebBackendCommand'
    }
    It 'Set-WebBackend rejects path <_> with InvalidBackendPath' -ForEach @('app', '/a/../b', '/a;b') {
        { Set-WebBackend -Path $_ -Port 1024 -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidBackendPath,UberspaceFlask.Commands.SetWebBackendCommand'
    }
    It 'Register-SupervisorService rejects name <_> with InvalidServiceName' -ForEach @('fl ask', '-x', 'a;b', '', '..') {
        { Register-SupervisorService -Name $_ -AppPath $TestDrive -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidServiceName,UberspaceFlask.Commands.RegisterSupervisorServiceCommand'
    }
}

Describe 'Where the SSH agent is, and ssh_config''s Include' {
    BeforeAll {
        $script:NullStr = [NullString]::Value
        $script:env = [Func[string, string]] { param($n) if ($n -eq 'SSH_AUTH_SOCK') { '/run/agent.sock' } elseif ($n -eq 'MY_SOCK') { '/tmp/mine' } else { $null } }
    }
    It 'IdentityAgent <Setting> means <Expected>' -ForEach @(
        @{ Setting = '(unset)'; Value = $null; Expected = '/run/agent.sock' }
        @{ Setting = 'none'; Value = 'none'; Expected = $null }
        @{ Setting = 'SSH_AUTH_SOCK'; Value = 'SSH_AUTH_SOCK'; Expected = '/run/agent.sock' }
        @{ Setting = '$MY_SOCK'; Value = '$MY_SOCK'; Expected = '/tmp/mine' }
        @{ Setting = 'a path'; Value = '/home/me/.1password/agent.sock'; Expected = '/home/me/.1password/agent.sock' }
    ) {
        $v = if ($null -eq $Value) { $NullStr } else { $Value }
        (Get-CoreType SshAgent)::Locate($v, $env) | Should -Be $Expected
    }
    It 'Include reads files in place, globs sorted, relative to ~/.ssh; the first value wins' {
        $h = Join-Path $TestDrive 'home'
        New-Item -ItemType Directory (Join-Path $h '.ssh/conf.d') -Force | Out-Null
        Set-Content (Join-Path $h '.ssh/config') "Include conf.d/*.conf`nHost web`n  Port 2200`n  User late`n"
        Set-Content (Join-Path $h '.ssh/conf.d/20-b.conf') "Host web`n  User second`n"
        Set-Content (Join-Path $h '.ssh/conf.d/10-a.conf') "Host web`n  HostName web.example.org`n  IdentitiesOnly yes`n  IdentityAgent none`nHost other`n  User nobody`n"
        $c = (Get-CoreType SshConfig)::Resolve((Join-Path $h '.ssh/config'), 'web', $h, 'me')
        $c.HostName | Should -Be 'web.example.org'
        $c.User | Should -Be 'second'
        $c.Port | Should -Be 2200
        $c.IdentitiesOnly | Should -BeTrue
        $c.IdentityAgent | Should -Be 'none'
    }
    It 'UserKnownHostsFile none means no user file at all' {
        $f = Join-Path $TestDrive 'cfg'
        Set-Content $f "Host *`n  UserKnownHostsFile none`n"
        $c = (Get-CoreType SshConfig)::Resolve($f, 'x', $TestDrive, 'me')
        $c.UserKnownHostsNone | Should -BeTrue
        $c.UserKnownHostsFiles.Count | Should -Be 0
    }
}
